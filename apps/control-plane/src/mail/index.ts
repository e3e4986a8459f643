export { createMailer, type Mailer, type MailMessage } from "./mailer.ts";
export { deliverWithRetry, DEFAULT_MAIL_RETRY, type RetryPolicy } from "./delivery.ts";
