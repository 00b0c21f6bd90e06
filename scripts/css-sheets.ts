import postcss, { type AtRule, type ChildNode, CssSyntaxError, type Root, type Rule } from 'postcss';

/**
 * Checks the web app's stylesheets (#14) with a real CSS parser (postcss), so that a block pasted into the wrong rule,
 * a brace too many or too few, or one block appended twice by two branches fails CI instead of quietly restyling
 * another page. Pure: scripts/css-sheets.test.ts feeds it the sheets on disk, and broken samples to prove each rule.
 */
export interface Sheet {
  /** Path under apps/web/src, e.g. "features/room/room.css". */
  file: string;
  css: string;
}

/** A sheet longer than this says why in its first comment ("… longer than 400 lines because …"). */
export const maxLines = 400;

/** Parses a sheet; a syntax error is reported as a problem, not thrown. */
function parse(sheet: Sheet, problems: string[]): Root | null {
  try {
    return postcss.parse(sheet.css, { from: sheet.file });
  } catch (error) {
    if (error instanceof CssSyntaxError) {
      problems.push(`${sheet.file}:${error.line ?? '?'}:${error.column ?? '?'}: ${error.reason} (an unbalanced block?)`);
      return null;
    }
    throw error;
  }
}

const where = (sheet: Sheet, node: ChildNode) => `${sheet.file}:${node.source?.start?.line ?? '?'}`;
const isKeyframes = (node: ChildNode['parent']) => node?.type === 'atrule' && /keyframes$/.test((node as AtRule).name);

/** The at-rules a rule sits in, as "@media (min-width: 640px)", outermost first. */
function context(rule: Rule): string {
  const parts: string[] = [];
  for (let p = rule.parent; p && p.type !== 'root'; p = p.parent) if (p.type === 'atrule') parts.unshift(`@${(p as AtRule).name} ${(p as AtRule).params}`);
  return parts.join(' ');
}

/** The breakpoints declared in styles/tokens.css (--breakpoint-*: 640px), in px. */
export function breakpointsOf(tokens: string): Set<number> {
  const found = new Set<number>();
  postcss.parse(tokens).walkDecls(/^--breakpoint-/, (d) => {
    const px = /^(\d+)px$/.exec(d.value.trim());
    if (px) found.add(Number(px[1]));
  });
  return found;
}

/**
 * Problems in one sheet: syntax; a rule or at-rule inside a rule (the shape a block pasted into another rule takes);
 * a declaration outside any rule; an empty rule; the same selector twice in one context; a property set twice in a
 * rule other than as an adjacent fallback (min-height: 100vh; min-height: 100dvh); a media query on a width that
 * is not a listed breakpoint (or one past it, for the min-width that follows a max-width); a sheet over maxLines
 * whose first comment does not say why.
 */
export function sheetProblems(sheet: Sheet, breakpoints: Set<number>): string[] {
  const problems: string[] = [];
  const root = parse(sheet, problems);
  if (!root) return problems;

  const seen = new Map<string, number>();
  root.walk((node) => {
    if (node.type === 'rule') {
      if (node.parent?.type === 'rule') problems.push(`${where(sheet, node)}: "${node.selector}" is inside the rule "${(node.parent as Rule).selector}" (a block pasted into the wrong rule?)`);
      if (!node.nodes.some((n) => n.type === 'decl')) problems.push(`${where(sheet, node)}: "${node.selector}" has no declarations`);
      if (isKeyframes(node.parent)) return;
      const key = `${context(node)} ${node.selector.replace(/\s+/g, ' ')}`;
      const first = seen.get(key);
      if (first !== undefined) problems.push(`${where(sheet, node)}: "${node.selector}" again (first at line ${first}): merge the two, or was a block pasted twice?`);
      else seen.set(key, node.source?.start?.line ?? 0);
      const decls = node.nodes.filter((n) => n.type === 'decl');
      decls.forEach((d, i) => {
        const earlier = decls.slice(0, i).findIndex((e) => e.prop === d.prop);
        if (earlier >= 0 && earlier !== i - 1) problems.push(`${where(sheet, d)}: "${node.selector}" sets ${d.prop} twice (only an adjacent fallback may repeat)`);
      });
    } else if (node.type === 'atrule') {
      if (node.parent?.type === 'rule') problems.push(`${where(sheet, node)}: @${node.name} is inside the rule "${(node.parent as Rule).selector}"`);
      if (node.name === 'media') {
        for (const m of node.params.matchAll(/(min|max)-width:\s*([\d.]+)(px|em|rem)?/g)) {
          const px = Number(m[2]);
          const listed = m[3] === 'px' && (breakpoints.has(px) || (m[1] === 'min' && breakpoints.has(px - 1)));
          if (!listed) problems.push(`${where(sheet, node)}: @media ${node.params} uses ${m[2]}${m[3] ?? ''}, not a breakpoint listed in styles/tokens.css`);
        }
      }
    } else if (node.type === 'decl') {
      const parent = node.parent;
      const inRule = parent?.type === 'rule' || (parent?.type === 'atrule' && ['font-face', 'page', 'property'].includes((parent as AtRule).name));
      if (!inRule) problems.push(`${where(sheet, node)}: "${node.prop}: ${node.value}" is outside any rule`);
    }
  });

  const lines = sheet.css.split('\n').length;
  if (lines > maxLines) {
    const first = root.first;
    if (!(first?.type === 'comment' && /longer than \d+ lines because/i.test(first.text))) {
      problems.push(`${sheet.file}: ${lines} lines; split it by component, or say why in its first comment ("longer than ${maxLines} lines because …")`);
    }
  }
  return problems;
}

/** Custom properties a sheet reads without a fallback must be declared in some sheet (a typo in a token's name). */
export function undefinedTokens(sheets: Sheet[]): string[] {
  const declared = new Set<string>();
  const problems: string[] = [];
  const roots = sheets.map((s) => ({ sheet: s, root: postcss.parse(s.css) }));
  for (const { root } of roots) root.walkDecls(/^--/, (d) => void declared.add(d.prop));
  for (const { sheet, root } of roots) {
    root.walkDecls((d) => {
      for (const m of d.value.matchAll(/var\(\s*(--[\w-]+)\s*(,)?/g)) {
        if (!m[2] && !declared.has(m[1]!)) problems.push(`${where(sheet, d)}: var(${m[1]}) is not declared in any sheet (styles/tokens.css holds the tokens)`);
      }
    });
  }
  return problems;
}

/**
 * A class styled on its own (".x", ".x:hover", ".x[aria-pressed='true']", at any media) is styled in one sheet only.
 * Feature sheets load with their chunks, in the order a visitor opens pages, so two sheets setting the same class at
 * the same specificity would let that order pick the winner. Descendant and compound selectors (".card-head .btn")
 * outrank the plain class and are free to refine it from any sheet.
 */
export function classesStyledTwice(sheets: Sheet[]): string[] {
  const owner = new Map<string, string>();
  const problems: string[] = [];
  for (const sheet of sheets) {
    postcss.parse(sheet.css).walkRules((rule) => {
      if (isKeyframes(rule.parent)) return;
      for (const selector of rule.selectors) {
        const plain = /^\.([\w-]+)((?::[\w-]+(?:\([^)]*\))?|\[[^\]]+\])*)$/.exec(selector.trim());
        if (!plain) continue;
        const cls = plain[1]!;
        const first = owner.get(cls);
        if (first === undefined) owner.set(cls, sheet.file);
        else if (first !== sheet.file) problems.push(`${where(sheet, rule)}: .${cls} is also styled in ${first}; keep a class's own rules in one sheet`);
      }
    });
  }
  return problems;
}
