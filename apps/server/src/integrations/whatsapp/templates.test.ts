import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWebhook, toCloudRequestBody } from './cloud';
import { fakeGraphPlugin } from './fake-graph';
import { renderTemplate, type TemplateDefinition, templateFromCloud, type TemplateMessage, templateParam, templateProblems } from './templates';
import { validateOutboundMessage } from './types';

const json = (path: string) => JSON.parse(readFileSync(new URL(`./fixtures/whatsapp-cloud/${path}`, import.meta.url), 'utf8'));

const alertDef: TemplateDefinition = { name: 'tutor_question_alert', language: 'en', header: 'image', body: '📚 New question: {{1}}\n\nTap Accept.', quickReplies: ['Accept', 'Pause alerts'] };
const alert: TemplateMessage = {
  type: 'template',
  name: 'tutor_question_alert',
  language: 'en',
  bodyParams: ['Mathematics · Grade 9–10'],
  headerImageLink: 'https://tutorline.example/p.jpg',
  quickReplyPayloads: ['accept:q1', 'tutor:offline'],
};

describe('templates: checked as Meta checks them, shown as a phone shows them', () => {
  it('a send that fits renders with its picture, parameters and buttons (whose taps send the payloads)', () => {
    expect(templateProblems([alertDef], alert)).toEqual([]);
    expect(renderTemplate(alertDef, alert)).toEqual({
      name: 'tutor_question_alert',
      headerImage: 'https://tutorline.example/p.jpg',
      body: '📚 New question: Mathematics · Grade 9–10\n\nTap Accept.',
      buttons: [
        { text: 'Accept', payload: 'accept:q1' },
        { text: 'Pause alerts', payload: 'tutor:offline' },
      ],
    });
  });

  it("refuses what Meta refuses: an unknown template, a wrong number of parameters, a missing header, new lines in a parameter", () => {
    const codes = (m: TemplateMessage) => templateProblems([alertDef], m).map((p) => p.code);
    expect(codes({ ...alert, name: 'nope' })).toEqual([132001]);
    expect(codes({ ...alert, language: 'hi' })).toEqual([132001]);
    expect(codes({ ...alert, bodyParams: [] })).toEqual([132000]);
    expect(codes({ ...alert, bodyParams: ['a\nb'] })).toEqual([132018]);
    const { headerImageLink: _, ...noHeader } = alert;
    expect(codes(noHeader)).toEqual([132012]);
    expect(codes({ ...alert, quickReplyPayloads: ['a', 'b', 'c'] })).toEqual([132012]);
  });

  it('templateParam flattens new lines and long runs of spaces, and is never empty', () => {
    expect(templateParam('Your lesson\nstarts     soon\t!')).toBe('Your lesson · starts soon · !');
    expect(templateParam('\n')).toBe('—');
    expect([...templateParam('x'.repeat(2000), 900)]).toHaveLength(900);
    expect(() => validateOutboundMessage({ ...alert, bodyParams: [templateParam('a\nb')] })).not.toThrow();
    expect(() => validateOutboundMessage({ ...alert, bodyParams: ['a\nb'] })).toThrow(/new lines/);
  });

  it('the Cloud request carries the header image, body and quick-reply payloads, and reads back to the same message', () => {
    const body = toCloudRequestBody('919876543210', alert, 'k');
    expect((body.template as { components: unknown[] }).components).toEqual([
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://tutorline.example/p.jpg' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'Mathematics · Grade 9–10' }] },
      { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'accept:q1' }] },
      { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'tutor:offline' }] },
    ]);
    expect(templateFromCloud(body.template)).toEqual(alert);
  });

  it("a tap on a template's quick-reply button comes back as a button reply carrying the payload (template-quick-reply-button.json)", () => {
    expect(parseWebhook(json('inbound/template-quick-reply-button.json')).events).toEqual([
      expect.objectContaining({
        kind: 'message',
        from: '919876543210',
        message: { type: 'button', replyId: 'session-confirm:7f3c2a', title: 'Confirm', contextId: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQkEwMDAwMDAwMDAwMDAwMDAxAA==' },
      }),
    ]);
  });
});

describe('the fake Graph API with approved templates', () => {
  const app = Fastify();
  let url = '';
  beforeAll(async () => {
    fakeGraphPlugin(app, { phoneNumberId: '1001', accessToken: 'tok', templates: [alertDef] });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => app.close());
  const send = (m: TemplateMessage) =>
    fetch(`${url}/v21.0/1001/messages`, { method: 'POST', headers: { authorization: 'Bearer tok', 'content-type': 'application/json' }, body: JSON.stringify(toCloudRequestBody('919876543210', m, 'k')) });

  it('accepts a send that fits and refuses one that does not, with the Graph error code', async () => {
    expect((await send(alert)).status).toBe(200);
    const res = await send({ ...alert, name: 'unknown_template' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(132001);
  });
});
