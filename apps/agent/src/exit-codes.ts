// Exit codes systemd and operators can act on (infra/systemd: RestartPreventExitStatus).
export const EXIT_OK = 0;
/** Unexpected failure; systemd restarts the agent. */
export const EXIT_FAILURE = 1;
/** Configuration missing or invalid (not enrolled, unreadable CA, unknown backend). */
export const EXIT_CONFIG = 2;
/** The control plane refused the credential (server revoked or removed): re-enroll. */
export const EXIT_REVOKED = 3;
/** Enrollment refused (token unknown, used or expired). */
export const EXIT_ENROLL_REFUSED = 4;
