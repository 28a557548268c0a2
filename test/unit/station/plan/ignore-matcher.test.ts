import { afterEach, describe, expect, it } from 'vitest';
import { createKeyPlanner, IgnoreMatcher, type KeyPlanner } from '../../../../src/station/plan/index.js';
import { file, manifestWith } from './fixtures.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});

function matcher(patterns: string[], budgetMs = 250): IgnoreMatcher {
  const created = new IgnoreMatcher(patterns, budgetMs);
  open.push(created);
  return created;
}

/** Which of the paths the single pattern ignores. */
function ignored(pattern: string, paths: string[]): string[] {
  const m = matcher([pattern]);
  return paths.filter((path) => {
    const result = m.match(path);
    if ('timedOut' in result) throw new Error('unexpected timeout');
    return result.matched !== null;
  });
}

describe('ignore patterns (Java syntax, Matcher.find semantics)', () => {
  it('finds a match anywhere unless anchored (A-Ignore examples)', () => {
    const paths = ['a.psd', 'x/y.psd', 'y.psd.bak', 'notes~', 'backup/a', 'old/backup/a', 'b.PSD'];
    expect(ignored('\\.psd$', paths)).toEqual(['a.psd', 'x/y.psd']);
    expect(ignored('.*~$', paths)).toEqual(['notes~']);
    expect(ignored('^backup/', paths)).toEqual(['backup/a']);
    expect(ignored('psd', paths)).toEqual(['a.psd', 'x/y.psd', 'y.psd.bak']);
  });

  it('supports character classes, predefined and POSIX classes', () => {
    const paths = ['img001.jpg', 'imgA.jpg', 'IMG_7.jpg', 'file 1.txt', 'tab\there'];
    expect(ignored('^img[0-9]+\\.jpg$', paths)).toEqual(['img001.jpg']);
    expect(ignored('^[^_]+_\\d\\.', paths)).toEqual(['IMG_7.jpg']);
    expect(ignored('\\s', paths)).toEqual(['file 1.txt', 'tab\there']);
    expect(ignored('^\\p{Upper}{3}', paths)).toEqual(['IMG_7.jpg']);
  });

  it('supports anchors \\A, \\z and $ and inline case-insensitivity', () => {
    const paths = ['Thumbs.db', 'a/thumbs.DB', 'thumbs.db.txt'];
    expect(ignored('(?i)(^|/)thumbs\\.db$', paths)).toEqual(['Thumbs.db', 'a/thumbs.DB']);
    expect(ignored('\\Athumbs', paths)).toEqual(['thumbs.db.txt']);
    expect(ignored('\\.txt\\z', paths)).toEqual(['thumbs.db.txt']);
  });

  it('supports bounded, lazy and possessive quantifiers and alternation', () => {
    const paths = ['aa.log', 'aaaa.log', 'a.log', 'x.tmp', 'x.bak'];
    expect(ignored('^a{2,3}\\.', paths)).toEqual(['aa.log']);
    expect(ignored('^a+?\\.log$', paths)).toEqual(['aa.log', 'aaaa.log', 'a.log']);
    expect(ignored('^a++a', paths)).toEqual([]);
    expect(ignored('\\.(tmp|bak)$', paths)).toEqual(['x.tmp', 'x.bak']);
  });

  it('supports \\Q...\\E quoting and the recycle bins of A-Ignore', () => {
    expect(ignored('^\\Q$RECYCLE.BIN\\E/', ['$RECYCLE.BIN/x', 'RECYCLE.BIN/x'])).toEqual(['$RECYCLE.BIN/x']);
    expect(ignored('^RECYCLER/', ['RECYCLER/S-1/x', 'a/RECYCLER/x'])).toEqual(['RECYCLER/S-1/x']);
  });

  it('reports the first pattern that matches', () => {
    const m = matcher(['\\.jpg$', '^a/', 'b']);
    expect(m.match('a/x.jpg')).toEqual({ matched: 0 });
    expect(m.match('a/x.png')).toEqual({ matched: 1 });
    expect(m.match('c/b.png')).toEqual({ matched: 2 });
    expect(m.match('c/d.png')).toEqual({ matched: null });
  });

  it('refuses a pattern that is not Java syntax it can translate', () => {
    expect(() => new IgnoreMatcher(['(unclosed'], 100)).toThrow(/cannot be used/);
    expect(() => new IgnoreMatcher(['[a-z&&[^i]]'], 100)).toThrow(/cannot be used/);
  });

  it('needs no worker without patterns', () => {
    expect(matcher([]).match('anything')).toEqual({ matched: null });
  });
});

describe('catastrophic backtracking', () => {
  const evil = 'a'.repeat(40) + '!';

  it('stops a runaway pattern at the time budget and keeps working afterwards', () => {
    const m = matcher(['^(a+)+$', '\\.tmp$'], 100);
    expect(m.match('warm-up.txt')).toEqual({ matched: null });
    const started = performance.now();
    expect(m.match(evil)).toEqual({ timedOut: true });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(1000);
    expect(m.match('x.tmp')).toEqual({ matched: 1 }); // a fresh worker
    expect(m.match('aaaa')).toEqual({ matched: 0 });
  });

  it('fails such a file with 400 InvalidArgument instead of hanging or loading it', async () => {
    const p: KeyPlanner = createKeyPlanner(manifestWith('ignore:\n  - ^(a|aa)+$\n'), {
      regexTimeBudgetMs: 80,
    });
    open.push(p);
    const started = performance.now();
    const result = p.plan(file(evil));
    expect(performance.now() - started).toBeLessThan(3000);
    expect(result).toMatchObject({ action: 'fail', status: 400, code: 'InvalidArgument' });
    expect(result?.action === 'fail' && result.reason).toMatch(/longer than 80 ms/);
    expect(p.plan(file('aaaa'))).toMatchObject({ action: 'skip', code: 'Ignored' });
    expect(p.plan(file('b.txt'))).toMatchObject({ action: 'upload', key: 'b.txt' });
  });
});
