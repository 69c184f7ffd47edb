/** Streamed uploads and downloads through the one groq-sdk client (see ARCHITECTURE.md, `transfer/`). */
export {type Part, type FieldPart, type FilePart, contentTypeFor, fileSize, multipartBody} from './multipart.js'
export {postMultipart, uploadTimeoutMs, type UploadOptions} from './upload.js'
export {
  looksBinary,
  readResponse,
  resolveSink,
  DOWNLOAD,
  saveResponse,
  type Saved,
  type Sink,
  type SinkOptions,
} from './download.js'
