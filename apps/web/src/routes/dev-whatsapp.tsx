import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { usePageTitle } from '../lib/page-title';
import './dev-whatsapp.css';

/**
 * The WhatsApp simulator (development only): act as a student's or a tutor's WhatsApp number. Messages go to the
 * server's real webhook as signed Cloud API payloads; replies come back through the server's fake Graph API.
 */
interface SimNumber {
  waId: string;
  name: string;
}
/** What we sent, in Graph API request format (the slice this page renders). */
interface GraphBody {
  type: string;
  text?: { body: string };
  image?: { link: string; caption?: string };
  template?: { name: string; components?: { parameters?: { text?: string }[] }[] };
  /** A template as a phone shows it (the approved text filled in, the header picture, the quick-reply buttons). */
  rendered?: { name: string; headerImage: string | null; body: string; buttons: { text: string; payload: string }[] };
  interactive?: {
    type: 'button' | 'list';
    body: { text: string };
    action: { buttons?: { reply: { id: string; title: string } }[]; button?: string; sections?: { rows: { id: string; title: string; description?: string }[] }[] };
  };
}
/** What the simulated number sent. */
interface SimBody {
  type: string;
  text?: string;
  mediaId?: string;
  caption?: string | null;
  title?: string;
}
type Entry = { direction: 'in'; at: string; id: string; body: SimBody } | { direction: 'out'; at: string; id: string; body: GraphBody };

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { ...init, headers: { 'content-type': 'application/json', ...init?.headers } });
  if (!res.ok) throw new Error(`${res.status}`);
  return (await res.json()) as T;
}

export function DevWhatsAppPage() {
  usePageTitle('WhatsApp simulator');
  const [numbers, setNumbers] = useState<{ students: SimNumber[]; tutors: SimNumber[] } | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [current, setCurrent] = useState<SimNumber | null>(null);

  useEffect(() => {
    call<{ students: SimNumber[]; tutors: SimNumber[] }>('/dev/whatsapp/api/numbers')
      .then((n) => {
        setNumbers(n);
        setCurrent(n.students[0] ?? null);
      })
      .catch(() => setUnavailable(true));
  }, []);

  if (unavailable) {
    return (
      <section className="page page-narrow" data-testid="sim-unavailable">
        <h1>WhatsApp simulator</h1>
        <p>The simulator runs only in development (WHATSAPP_PROVIDER=simulator, which `npm start` uses by default).</p>
      </section>
    );
  }
  return (
    <section className="page sim" data-testid="sim-page" aria-labelledby="sim-title">
      <h1 id="sim-title">WhatsApp simulator</h1>
      <p className="muted">Act as a WhatsApp number. What you send reaches the real webhook, signed like Meta signs it.</p>
      <p className="muted" data-testid="sim-commands">
        Students: send a photo of a question (the first time, you are asked your age). Tutors: send <kbd>online</kbd> to get new questions on
        the number, <kbd>offline</kbd> to pause them (the demo tutors start online). A number that has not written in 24 hours gets templates, as
        on a real phone.
      </p>
      {numbers && (
        <div className="sim-numbers" role="tablist" aria-label="Numbers">
          {[...numbers.students, ...numbers.tutors].map((n) => (
            <button key={n.waId} type="button" role="tab" aria-selected={current?.waId === n.waId} data-testid={`sim-number-${n.waId}`} onClick={() => setCurrent(n)}>
              <strong>{n.name}</strong>
              <span className="muted">+{n.waId}</span>
            </button>
          ))}
        </div>
      )}
      {current && <Phone key={current.waId} number={current} />}
    </section>
  );
}

function Phone({ number }: { number: SimNumber }) {
  const [messages, setMessages] = useState<Entry[]>([]);
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const listRef = useRef<HTMLOListElement>(null);

  const refresh = useCallback(async () => {
    const thread = await call<{ messages: Entry[] }>(`/dev/whatsapp/api/thread?number=${number.waId}`);
    setMessages(thread.messages);
  }, [number.waId]);

  useEffect(() => {
    void refresh();
    const timer = window.setInterval(() => void refresh().catch(() => {}), 1000);
    return () => window.clearInterval(timer);
  }, [refresh]);
  useEffect(() => {
    if (listRef.current) listRef.current.scrollTop = listRef.current.scrollHeight;
  }, [messages.length]);

  const send = async (message: Record<string, unknown>) => {
    setSending(true);
    setError(null);
    try {
      await call('/dev/whatsapp/api/send', { method: 'POST', body: JSON.stringify({ number: number.waId, name: number.name.replace(/ \(.*\)$/, ''), message }) });
      await refresh();
    } catch (err) {
      setError(`The webhook did not accept it (${String((err as Error).message)}).`);
    } finally {
      setSending(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    void send({ type: 'text', text: text.trim() });
    setText('');
  };
  const attach = async (file: File) => {
    const data = new Uint8Array(await file.arrayBuffer());
    let binary = '';
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    await send({ type: 'image', dataBase64: btoa(binary), mimeType: file.type || 'image/jpeg', ...(text.trim() ? { caption: text.trim() } : {}) });
    setText('');
  };

  return (
    <div className="sim-phone" data-testid="sim-phone" data-number={number.waId}>
      <header className="sim-phone-head">
        <strong>Tutorline</strong>
        <span>as +{number.waId}</span>
      </header>
      <ol className="sim-thread" ref={listRef} aria-live="polite">
        {messages.length === 0 && <li className="sim-empty">Say “help”, or send a photo of a question.</li>}
        {messages.map((m) => (
          <li key={m.id + m.direction} className={`sim-msg sim-${m.direction}`} data-testid={`sim-msg-${m.direction}`}>
            {m.direction === 'in' ? <Inbound body={m.body} /> : <Outbound entry={m} onReply={send} disabled={sending} />}
          </li>
        ))}
      </ol>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <form className="sim-compose" onSubmit={submit}>
        <label className="sim-attach">
          📷
          <span className="visually-hidden">Send a photo</span>
          <input
            type="file"
            accept="image/*"
            hidden
            data-testid="sim-photo"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void attach(file);
            }}
          />
        </label>
        <input className="sim-input" data-testid="sim-text" value={text} onChange={(e) => setText(e.target.value)} placeholder="Message" aria-label="Message" />
        <button type="submit" className="btn btn-primary" data-testid="sim-send" disabled={sending || !text.trim()}>
          Send
        </button>
      </form>
    </div>
  );
}

function Inbound({ body }: { body: SimBody }) {
  if (body.type === 'text') return <p>{body.text}</p>;
  if (body.type === 'image')
    return (
      <>
        <img src={`/dev/whatsapp/api/media/${encodeURIComponent(body.mediaId ?? '')}`} alt="Sent" className="sim-img" />
        {body.caption && <p>{body.caption}</p>}
      </>
    );
  if (body.type === 'button' || body.type === 'list') return <p>↩︎ {body.title}</p>;
  return <p className="muted">[{body.type}]</p>;
}

/** Our message, as WhatsApp would show it: text, image, reply buttons, a list, or a template. */
function Outbound({ entry, onReply, disabled }: { entry: Extract<Entry, { direction: 'out' }>; onReply: (m: Record<string, unknown>) => void; disabled: boolean }) {
  const [open, setOpen] = useState(false);
  const b = entry.body;
  const linkify = (s: string) =>
    s.split(/(https?:\/\/\S+)/).map((part, i) =>
      /^https?:\/\//.test(part) ? (
        <a key={i} href={part} target="_blank" rel="noreferrer" data-testid="sim-link">
          {part}
        </a>
      ) : (
        <span key={i}>{part}</span>
      ),
    );
  if (b.text) return <p className="sim-text">{linkify(b.text.body)}</p>;
  if (b.image)
    return (
      <>
        <img src={b.image.link} alt="From Tutorline" className="sim-img" />
        {b.image.caption && <p>{b.image.caption}</p>}
      </>
    );
  if (b.rendered) {
    const t = b.rendered;
    return (
      <div className="sim-template" data-testid="sim-template" data-template={t.name}>
        {t.headerImage && <img src={t.headerImage} alt="From Tutorline" className="sim-img" />}
        <p className="sim-text">{linkify(t.body)}</p>
        {t.buttons.length > 0 && (
          <div className="sim-buttons">
            {t.buttons.map((btn) => (
              <button
                key={btn.payload}
                type="button"
                disabled={disabled}
                data-testid="sim-button"
                data-reply-id={btn.payload}
                onClick={() => onReply({ type: 'template_button', payload: btn.payload, text: btn.text, contextId: entry.id })}
              >
                {btn.text}
              </button>
            ))}
          </div>
        )}
      </div>
    );
  }
  if (b.template) {
    const params = (b.template.components ?? []).flatMap((c) => (c.parameters ?? []).map((p) => p.text)).filter(Boolean);
    return (
      <p className="sim-text">
        <em>Template {b.template.name}:</em> {linkify(params.join(' '))}
      </p>
    );
  }
  if (b.interactive?.type === 'button') {
    return (
      <>
        <p className="sim-text">{b.interactive.body.text}</p>
        <div className="sim-buttons">
          {(b.interactive.action.buttons ?? []).map((btn) => (
            <button key={btn.reply.id} type="button" disabled={disabled} data-testid="sim-button" data-reply-id={btn.reply.id} onClick={() => onReply({ type: 'button', replyId: btn.reply.id, title: btn.reply.title, contextId: entry.id })}>
              {btn.reply.title}
            </button>
          ))}
        </div>
      </>
    );
  }
  if (b.interactive?.type === 'list') {
    return (
      <>
        <p className="sim-text">{b.interactive.body.text}</p>
        <div className="sim-buttons">
          <button type="button" data-testid="sim-list-open" onClick={() => setOpen(!open)} aria-expanded={open}>
            ☰ {b.interactive.action.button}
          </button>
        </div>
        {open && (
          <ul className="sim-list">
            {(b.interactive.action.sections ?? []).flatMap((s) =>
              s.rows.map((row) => (
                <li key={row.id}>
                  <button type="button" disabled={disabled} data-testid="sim-list-row" data-reply-id={row.id} onClick={() => onReply({ type: 'list', replyId: row.id, title: row.title, contextId: entry.id })}>
                    <strong>{row.title}</strong>
                    {row.description && <span className="muted"> {row.description}</span>}
                  </button>
                </li>
              )),
            )}
          </ul>
        )}
      </>
    );
  }
  return <pre>{JSON.stringify(b, null, 2)}</pre>;
}
