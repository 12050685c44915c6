import { describe, expect, it } from 'vitest';
import { ADMIN_COMMENT_MAX, adminCommentOf, mergeAdminComment } from '../../../src/slurm/admin-comment.js';
import { sessionsValue } from '../../../src/hook/vendor-ids.js';

/** `scontrol show job` (22.05, multi-line) with an AdminComment line, trimmed to what matters here. */
const SHOWN = [
  'JobId=42 JobName=wrap',
  '   UserId=qputest(1001) GroupId=qputest(1001) MCS_label=N/A',
  '   AdminComment=ticket 1234 owner=ops ',
  '   StdErr=/dev/null',
].join('\n');

describe("a job's AdminComment", () => {
  it('reads back whole, spaces and = included, from its own line', () => {
    expect(adminCommentOf(SHOWN)).toBe('ticket 1234 owner=ops');
    expect(adminCommentOf('JobId=42 JobName=wrap\n   StdErr=/dev/null')).toBe('');
  });

  it('keeps what others wrote and replaces only our word', () => {
    const once = mergeAdminComment('ticket 1234', 'qpu_sessions', () => '{"ibm":"s1"}');
    expect(once).toBe('ticket 1234 qpu_sessions={"ibm":"s1"}');
    const twice = mergeAdminComment(`${once ?? ''} qpu_usage={}`, 'qpu_sessions', () => '{"ibm":"s2"}');
    expect(twice).toBe('ticket 1234 qpu_usage={} qpu_sessions={"ibm":"s2"}');
    expect(mergeAdminComment('', 'qpu_sessions', () => '{}')).toBe('qpu_sessions={}');
  });

  it("never goes past Slurm's limit: the value gets the room that is left, or nothing is written", () => {
    const site = 'x'.repeat(ADMIN_COMMENT_MAX - 40);
    const merged = mergeAdminComment(site, 'qpu_sessions', (room) => sessionsValue([['a', 's'.repeat(10)], ['b', 's'.repeat(10)]], room));
    expect(merged).toBe(`${site} qpu_sessions={"a":"ssssssssss"}`);
    expect(Buffer.byteLength(merged ?? '')).toBeLessThanOrEqual(ADMIN_COMMENT_MAX);
    expect(mergeAdminComment('x'.repeat(ADMIN_COMMENT_MAX), 'qpu_sessions', (room) => sessionsValue([['a', 'id']], room))).toBeNull();
    // A value that ignores its room is refused rather than sent.
    expect(mergeAdminComment(site, 'qpu_usage', () => 'y'.repeat(100))).toBeNull();
  });
});
