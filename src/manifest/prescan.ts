import { CST, Lexer } from 'yaml';

/** Limits applied before the YAML is composed, so hostile input costs little time and memory. */
export const PRESCAN_LIMITS = {
  /** YAML tokens in one manifest (roughly 3,000 ordinary lines). */
  maxTokens: 20_000,
  /** Nested `[` / `{` collections. */
  maxFlowDepth: 16,
  /** Block indicators (`- `, `? `, `: `) on one line outside flow collections. */
  maxIndicatorsPerLine: 8,
  /** Indentation, in spaces, of any line that starts a node. */
  maxIndent: 128,
} as const;

export interface PrescanFailure {
  offset: number;
  message: string;
}

// Lexer control characters: document start, flow error end, scalar marker. They are not source text.
const DOC_START = '\x02';
const FLOW_ERROR_END = '\x18';
const SCALAR_MARK = '\x1f';

const REFUSED_PROPS: Record<string, string> = {
  anchor: 'a YAML anchor',
  alias: 'a YAML alias',
  tag: 'a YAML tag',
};

interface ScanState {
  offset: number;
  tokens: number;
  flowDepth: number;
  indicators: number;
  atLineStart: boolean;
}

/**
 * Walks the lexer's tokens once and stops at the first thing a manifest never needs: anchors,
 * aliases, tags (so "billion laughs" fails on its first `&`), deep nesting or too many tokens.
 */
export function prescanYaml(text: string): PrescanFailure | undefined {
  const state: ScanState = { offset: 0, tokens: 0, flowDepth: 0, indicators: 0, atLineStart: true };
  let scalarNext = false;
  for (const token of new Lexer().lex(text)) {
    if (token === DOC_START || token === FLOW_ERROR_END) continue;
    if (token === SCALAR_MARK) {
      scalarNext = true;
      continue;
    }
    const failure = scalarNext ? countScalar(state) : checkToken(state, token);
    scalarNext = false;
    if (failure) return failure;
    state.offset += token.length;
  }
  return undefined;
}

function countScalar(state: ScanState): PrescanFailure | undefined {
  state.atLineStart = false;
  return countToken(state);
}

function countToken(state: ScanState): PrescanFailure | undefined {
  state.tokens += 1;
  if (state.tokens <= PRESCAN_LIMITS.maxTokens) return undefined;
  return {
    offset: state.offset,
    message: `The manifest is too complex: it has more than ${PRESCAN_LIMITS.maxTokens} YAML tokens.`,
  };
}

function checkToken(state: ScanState, token: string): PrescanFailure | undefined {
  const type = CST.tokenType(token);
  const refused = type ? REFUSED_PROPS[type] : undefined;
  if (refused) {
    return {
      offset: state.offset,
      message: `The manifest uses ${refused} (${token.slice(0, 40)}); anchors, aliases and tags are not accepted in manifests.`,
    };
  }
  return countToken(state) ?? checkStructure(state, type, token);
}

function checkStructure(state: ScanState, type: string | null, token: string): PrescanFailure | undefined {
  const wasLineStart = state.atLineStart;
  state.atLineStart = type === 'newline';
  switch (type) {
    case 'newline':
      state.indicators = 0;
      return undefined;
    case 'space':
      state.atLineStart = wasLineStart;
      return wasLineStart && token.length > PRESCAN_LIMITS.maxIndent
        ? tooDeep(state, `a line is indented by more than ${PRESCAN_LIMITS.maxIndent} spaces`)
        : undefined;
    case 'flow-map-start':
    case 'flow-seq-start':
      state.flowDepth += 1;
      return state.flowDepth > PRESCAN_LIMITS.maxFlowDepth
        ? tooDeep(state, `more than ${PRESCAN_LIMITS.maxFlowDepth} nested [ ] or { } collections`)
        : undefined;
    case 'flow-map-end':
    case 'flow-seq-end':
      state.flowDepth = Math.max(0, state.flowDepth - 1);
      return undefined;
    case 'seq-item-ind':
    case 'explicit-key-ind':
    case 'map-value-ind':
      return countIndicator(state);
    default:
      return undefined;
  }
}

function countIndicator(state: ScanState): PrescanFailure | undefined {
  if (state.flowDepth > 0) return undefined;
  state.indicators += 1;
  return state.indicators > PRESCAN_LIMITS.maxIndicatorsPerLine
    ? tooDeep(state, `more than ${PRESCAN_LIMITS.maxIndicatorsPerLine} nesting indicators on one line`)
    : undefined;
}

function tooDeep(state: ScanState, what: string): PrescanFailure {
  return { offset: state.offset, message: `The manifest is nested too deeply: ${what}.` };
}
