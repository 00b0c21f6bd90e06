/**
 * tutorline-i18n/no-untranslated-text (issue #21): in a converted file (apps/web/src/i18n/converted.json), words a user
 * sees go through the catalog: t('key'), <T id="key" />, translate('key'). It reports
 *  - text between JSX tags ("<h1>Log in</h1>");
 *  - words in a JSX attribute people read (aria-label, title, placeholder, alt, label, hint, …);
 *  - words given as a prop or field people read ({ label: 'Home' }) or as a page title (usePageTitle('Settings'));
 *  - sentences in any other string or template ('Could not log out.', `${n} tutors notified`).
 * Not reported: class names, ids, paths, test ids, keys, import paths, errors thrown for developers, and text with no
 * letters. A deliberate exception is written with an eslint-disable comment that says why.
 */
const visibleAttributes = new Set([
  'aria-label', 'aria-description', 'aria-roledescription', 'aria-valuetext', 'aria-placeholder', 'title', 'placeholder', 'alt',
  'label', 'pendingLabel', 'hint', 'detail', 'caption', 'description', 'message', 'heading', 'summary', 'legend', 'emptyText', 'confirmLabel',
]);
const visibleProperties = new Set(['label', 'title', 'hint', 'detail', 'caption', 'description', 'message', 'placeholder', 'pendingLabel', 'heading', 'text']);
const titleCalls = new Set(['usePageTitle']);
const letters = /\p{L}/u;
/** The product's name and one-letter glyphs (the wordmark's "T") read the same in every language. */
const untranslatable = (text) => text.trim() === 'Tutorline' || text.trim().length === 1;
/** A sentence or phrase: words with a space between them and a capital, a non-Latin letter or sentence punctuation. */
const prose = (text) => /\p{L}/u.test(text) && /\s/.test(text.trim()) && (/[A-Z]/.test(text) || /[^\u0020-\u007E\s]/.test(text) || /[.!?…:;,]/.test(text));
/** Words around a template's values: " tutors notified", "Uploading ", but not "btn btn-" or "/session/". */
const templateProse = (quasis) => {
  const text = quasis.map((q) => q.value.cooked ?? '').join('{}');
  if (!/\s/.test(text) && !/[^\u0020-\u007E\s]/.test(text)) return false;
  return /\p{L}{2,}/u.test(text) && /[^\u0020-\u007E\s]|[A-Z]|\p{L}\s+\p{L}|\p{L}\s+\{\}|\{\}\s+\p{L}/u.test(text);
};

function attributeName(node) {
  return node.name.type === 'JSXNamespacedName' ? `${node.name.namespace.name}:${node.name.name.name}` : node.name.name;
}

/** Whether the node is (inside) an argument that never reaches a user: a thrown Error, console output, a catalog key. */
function isExempt(node) {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'ImportDeclaration' || p.type === 'ExportNamedDeclaration' || p.type === 'ExportAllDeclaration') return true;
    if (p.type === 'TSLiteralType' || p.type === 'TSEnumMember' || p.type === 'TSTypeAnnotation') return true;
    if (p.type === 'NewExpression' && /Error$/.test(p.callee.name ?? '')) return true;
    if (p.type === 'CallExpression' && p.callee.type === 'MemberExpression' && p.callee.object.name === 'console') return true;
    if (p.type === 'JSXAttribute') {
      const name = attributeName(p);
      return !visibleAttributes.has(name);
    }
    if (p.type === 'Property' && p.value !== node && p.key === node) return true;
    if (p.type.startsWith('JSX') || p.type.endsWith('Statement') || p.type === 'VariableDeclarator') break;
  }
  return false;
}

/** @type {import('eslint').Rule.RuleModule} */
export const noUntranslatedText = {
  meta: {
    type: 'problem',
    docs: { description: 'User-visible words in a converted file go through the i18n catalog.' },
    schema: [],
    messages: {
      jsxText: 'Words between tags go through the catalog: {{text}} → {t(\'key\')} (apps/web/src/i18n/locales/en.json and hi.json).',
      attribute: 'The {{name}} attribute is read by people: use {t(\'key\')} instead of {{text}}.',
      property: 'The {{name}} is shown to people: use a catalog key (t/translate) instead of {{text}}.',
      string: 'This sentence is shown to people: put it in the catalog and use t(\'key\') / translate(\'key\'): {{text}}.',
    },
  },
  create(context) {
    const short = (s) => JSON.stringify(s.trim().slice(0, 40));
    return {
      JSXText(node) {
        if (letters.test(node.value) && !untranslatable(node.value)) context.report({ node, messageId: 'jsxText', data: { text: short(node.value) } });
      },
      JSXAttribute(node) {
        const name = attributeName(node);
        if (!visibleAttributes.has(name) || !node.value) return;
        const value = node.value.type === 'JSXExpressionContainer' ? node.value.expression : node.value;
        if (value.type === 'Literal' && typeof value.value === 'string' && letters.test(value.value)) {
          context.report({ node: value, messageId: 'attribute', data: { name, text: short(value.value) } });
        } else if (value.type === 'TemplateLiteral' && value.quasis.some((q) => letters.test(q.value.cooked ?? ''))) {
          context.report({ node: value, messageId: 'attribute', data: { name, text: short(value.quasis.map((q) => q.value.cooked).join('…')) } });
        }
      },
      Property(node) {
        const name = node.key.type === 'Identifier' ? node.key.name : node.key.value;
        const value = node.value;
        if (!visibleProperties.has(name) || value.type !== 'Literal' || typeof value.value !== 'string') return;
        // A catalog key ('nav.home') is what such a field should hold.
        if (/^[a-z][a-zA-Z0-9-]*(\.[a-zA-Z0-9-]+)+$/.test(value.value) || !letters.test(value.value)) return;
        context.report({ node: value, messageId: 'property', data: { name, text: short(value.value) } });
      },
      CallExpression(node) {
        if (node.callee.type !== 'Identifier' || !titleCalls.has(node.callee.name)) return;
        const [arg] = node.arguments;
        if (arg?.type === 'Literal' && typeof arg.value === 'string' && letters.test(arg.value)) {
          context.report({ node: arg, messageId: 'property', data: { name: 'page title', text: short(arg.value) } });
        }
      },
      Literal(node) {
        if (typeof node.value !== 'string' || !prose(node.value) || isExempt(node)) return;
        if (node.parent.type === 'CallExpression' && titleCalls.has(node.parent.callee.name)) return;
        if (node.parent.type === 'JSXAttribute' || node.parent.type === 'Property' && node.parent.value === node && visibleProperties.has(node.parent.key.name)) return;
        context.report({ node, messageId: 'string', data: { text: short(node.value) } });
      },
      TemplateLiteral(node) {
        if (node.parent.type === 'TaggedTemplateExpression' || !templateProse(node.quasis) || isExempt(node)) return;
        if (node.parent.type === 'JSXExpressionContainer' && node.parent.parent.type === 'JSXAttribute') return;
        context.report({ node, messageId: 'string', data: { text: short(node.quasis.map((q) => q.value.cooked).join('…')) } });
      },
    };
  },
};

export const i18nPlugin = { meta: { name: 'tutorline-i18n' }, rules: { 'no-untranslated-text': noUntranslatedText } };
