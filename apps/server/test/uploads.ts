/** Sends one file as multipart field `file`, the way the web app does; the answer's status, text and JSON (if any). */
export async function sendFile(url: string, cookie: string, data: Buffer | string, filename: string, type: string, method: 'POST' | 'PUT' = 'POST') {
  const form = new FormData();
  form.append('file', new Blob([typeof data === 'string' ? data : new Uint8Array(data)], { type }), filename);
  const res = await fetch(url, { method, body: form, headers: { cookie } });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}
