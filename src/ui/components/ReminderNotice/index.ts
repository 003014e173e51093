export { formatSentAt, ReminderNotice, type ReminderNoticeProps } from './ReminderNotice.js';
