export {
  MAIL_COMMANDS,
  type CommandName,
  type CommandProblem,
  type MailCommand,
  type MailOrigin,
  type ManifestSource,
  type ParsedCommand,
} from './command.js';
export { parseCommand, commandOfSubject } from './parse-command.js';
export { readMail } from './read-mail.js';
export {
  MailCommands,
  mailError,
  type HandleInput,
  type ListedJob,
  type MailCommandsDeps,
  type MailError,
  type MailReply,
  type ReplyBody,
} from './mail-commands.js';
export { renderReply, type RenderedReply, type ReplyAttachment } from './reply.js';
export { decodeTextBytes, type DecodedText } from './text-decoding.js';
