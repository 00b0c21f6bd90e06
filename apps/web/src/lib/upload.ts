import { ApiError, apiErrorFrom, networkError } from './api';
import { recordServerDate } from './server-clock';

interface UploadOptions {
  /** POST by default; PUT replaces a single resource (a tutor's photo). */
  method?: 'POST' | 'PUT';
  /** Called with the fraction of bytes sent, 0 to 1. */
  onProgress?(fraction: number): void;
  signal?: AbortSignal;
}

/** Thrown when the caller aborted the upload (the user removed the photo). */
export class UploadAborted extends Error {
  constructor() {
    super('Upload cancelled');
    this.name = 'UploadAborted';
  }
}

/**
 * Sends one file as multipart/form-data (POST unless `method` says PUT). XMLHttpRequest rather than fetch, because only XHR reports upload progress.
 * Resolves with the parsed JSON body; rejects with ApiError (status 0 for network trouble) or UploadAborted.
 */
export function uploadFile<T>(path: string, field: string, file: Blob, options: UploadOptions = {}): Promise<T> {
  const { onProgress, signal, method = 'POST' } = options;
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(new UploadAborted());
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      recordServerDate(xhr.getResponseHeader('date'));
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(uploadError(xhr.status, body, xhr.getResponseHeader('x-request-id')));
    };
    xhr.onerror = () => reject(networkError());
    xhr.ontimeout = () => reject(networkError());
    xhr.onabort = () => reject(new UploadAborted());
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append(field, file, file instanceof File ? file.name : 'upload');
    // No content-type header: the browser sets multipart/form-data with its boundary.
    xhr.send(form);
  });
}

function uploadError(status: number, body: unknown, requestId: string | null): ApiError {
  // A proxy or the server's own body limit may answer 413 without our error body.
  if (status === 413 && !(typeof body === 'object' && body !== null && 'error' in body)) {
    return new ApiError(413, 'payload_too_large', 'This photo is too big to send. Please choose one under 10 MB.', [], requestId ?? undefined);
  }
  return apiErrorFrom(status, body, requestId);
}
