export { createMailer, withoutCredentials, type Mailer, type MailMessage, type MailerConfig } from "./mailer.ts";
export { deliverWithRetry, DEFAULT_MAIL_RETRY, type DeliveryResult, type RetryPolicy } from "./delivery.ts";
