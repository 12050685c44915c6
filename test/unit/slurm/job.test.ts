import { describe, expect, it } from 'vitest';
import { parseGresList, parseHetComponents, parseLicenseList, parseScontrolJob, SlurmJobError } from '../../../src/slurm/job.js';

// `SLURM_TIME_FORMAT=%s scontrol show job -d -o 1` on Slurm 22.05.8 (dev cluster), job with
// --gres=qpu:1 -L qpu_sim_shared:1 -t 5.
const SAMPLE =
  'JobId=1 JobName=wrap UserId=qputest(1001) GroupId=qputest(1001) MCS_label=N/A Priority=4294901759 Nice=0 ' +
  'Account=(null) QOS=(null) JobState=RUNNING Reason=None Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 ' +
  'Reboot=0 ExitCode=0:0 DerivedExitCode=0:0 RunTime=00:00:01 TimeLimit=00:05:00 TimeMin=N/A ' +
  'SubmitTime=1795321926 EligibleTime=1795321926 AccrueTime=1795321926 StartTime=1795321926 EndTime=1795322226 ' +
  'Deadline=N/A SuspendTime=None SecsPreSuspend=0 LastSchedEval=1795321926 Scheduler=Main Partition=debug ' +
  'AllocNode:Sid=localhost:4016 ReqNodeList=(null) ExcNodeList=(null) NodeList=vm BatchHost=vm NumNodes=1 ' +
  'NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:* TRES=cpu=1,node=1,billing=1 Socks/Node=* ' +
  'NtasksPerN:B:S:C=0:0:*:* CoreSpec=* JOB_GRES=qpu:sim:1   Nodes=vm CPU_IDs=0 Mem=0 GRES=qpu:sim(CNT:1) ' +
  'MinCPUsNode=1 MinMemoryNode=0 MinTmpDiskNode=0 Features=(null) DelayBoot=00:00:00 OverSubscribe=YES ' +
  'Contiguous=0 Licenses=qpu_sim_shared:1 Network=(null) Command=(null) WorkDir=/tmp/jobs ' +
  'StdErr=/tmp/jobs/slurm-1.out StdIn=/dev/null StdOut=/tmp/jobs/slurm-1.out Power= TresPerNode=gres:qpu:1\n';

describe('scontrol show job parsing', () => {
  it('reads owner, allocated GRES, licenses and the end of the allocation', () => {
    expect(parseScontrolJob(SAMPLE, 1)).toEqual({
      jobId: 1,
      uid: 1001,
      state: 'RUNNING',
      gres: [{ name: 'qpu', type: 'sim', count: 1 }],
      perNode: [{ nodes: ['vm'], gres: [{ name: 'qpu', type: 'sim', count: 1 }] }],
      licenses: [{ name: 'qpu_sim_shared', count: 1 }],
      endTime: 1795322226,
      batchHost: 'vm',
    });
  });

  it('reads each node group: job-wide JOB_GRES is the sum, the group is what each node holds', () => {
    // srun -N2 --gres=qpu:1 on the 3-node dev cluster.
    const text = SAMPLE.replace('NodeList=vm', 'NodeList=qn[1-2]').replace('JOB_GRES=qpu:sim:1   Nodes=vm CPU_IDs=0 Mem=0 GRES=qpu:sim(CNT:1)', 'JOB_GRES=qpu:sim:2   Nodes=qn[1-2] CPU_IDs=0 Mem=0 GRES=qpu:sim(CNT:1)');
    const facts = parseScontrolJob(text, 1);
    expect(facts.gres).toEqual([{ name: 'qpu', type: 'sim', count: 2 }]);
    expect(facts.perNode).toEqual([{ nodes: ['qn1', 'qn2'], gres: [{ name: 'qpu', type: 'sim', count: 1 }] }]);
    const uneven = SAMPLE.replace('Nodes=vm CPU_IDs=0 Mem=0 GRES=qpu:sim(CNT:1)', 'Nodes=qn1 CPU_IDs=0 Mem=0 GRES=qpu:sim(CNT:2) Nodes=qn2 CPU_IDs=1 Mem=0 GRES=');
    expect(parseScontrolJob(uneven, 1).perNode).toEqual([
      { nodes: ['qn1'], gres: [{ name: 'qpu', type: 'sim', count: 2 }] },
      { nodes: ['qn2'], gres: [] },
    ]);
  });

  it('fails closed when a job name forges a node group', () => {
    const forged = SAMPLE.replace('JobName=wrap', 'JobName=x Nodes=vm CPU_IDs=0 Mem=0 GRES=qpu:sim(CNT:9)');
    expect(() => parseScontrolJob(forged, 1)).toThrow(/node vm in two allocation groups/);
  });

  it('picks its own line from a heterogeneous leader, and lists the components', () => {
    const leader = SAMPLE.replace('JobId=1 ', 'JobId=1 HetJobId=1 HetJobOffset=0 ').replace('JOB_GRES=qpu:sim:1', 'JOB_GRES=(null)').replace('GRES=qpu:sim(CNT:1)', 'GRES=');
    const component = SAMPLE.replace('JobId=1 ', 'JobId=2 HetJobId=1 HetJobOffset=1 ');
    const both = `${leader}${component}`;
    expect(parseScontrolJob(both, 1)).toMatchObject({ jobId: 1, hetJobId: 1, gres: [] });
    expect(parseScontrolJob(both, 2)).toMatchObject({ jobId: 2, hetJobId: 1, gres: [{ name: 'qpu', type: 'sim', count: 1 }] });
    expect(parseHetComponents(both, 1).map((c) => c.jobId)).toEqual([1, 2]);
    expect(() => parseScontrolJob(both, 3)).toThrow(/0 lines for job 3/);
    expect(parseScontrolJob(SAMPLE, 1).hetJobId).toBeUndefined();
  });

  it('reads a job without GRES, licenses or time limit', () => {
    const text = SAMPLE.replace('JOB_GRES=qpu:sim:1', 'JOB_GRES=(null)')
      .replace('Licenses=qpu_sim_shared:1', 'Licenses=(null)')
      .replace('EndTime=1795322226', 'EndTime=Unknown');
    expect(parseScontrolJob(text, 1)).toMatchObject({ gres: [], licenses: [], endTime: null });
  });

  it('reads no end for a job without a time limit, though Slurm prints an EndTime a year ahead', () => {
    const text = SAMPLE.replace('TimeLimit=00:05:00', 'TimeLimit=UNLIMITED').replace('EndTime=1795322226', 'EndTime=1826857926');
    expect(parseScontrolJob(text, 1).endTime).toBeNull();
    const named = SAMPLE.replace('JobName=wrap', 'JobName=x TimeLimit=UNLIMITED');
    expect(() => parseScontrolJob(named, 1)).toThrow(/TimeLimit= 2 times/);
  });

  it('fails closed when a user-chosen value repeats a key (job name, work dir)', () => {
    const named = SAMPLE.replace('JobName=wrap', 'JobName=x JOB_GRES=qpu:sim:9');
    expect(() => parseScontrolJob(named, 1)).toThrow(/JOB_GRES= 2 times/);
    const dir = SAMPLE.replace('WorkDir=/tmp/jobs', 'WorkDir=/tmp/a Licenses=qpu_sim_shared:9');
    expect(() => parseScontrolJob(dir, 1)).toThrow(SlurmJobError);
  });

  it('refuses an answer about another job or without epoch times', () => {
    expect(() => parseScontrolJob(SAMPLE, 2)).toThrow(/not 2/);
    expect(() => parseScontrolJob(SAMPLE.replace('EndTime=1795322226', 'EndTime=2026-11-22T04:37:06'), 1)).toThrow(/SLURM_TIME_FORMAT/);
  });

  it.each<[string, ReturnType<typeof parseGresList>]>([
    ['qpu:sim:1', [{ name: 'qpu', type: 'sim', count: 1 }]],
    ['qpu:2', [{ name: 'qpu', type: undefined, count: 2 }]],
    ['qpu:sim(CNT:1)', [{ name: 'qpu', type: 'sim', count: 1 }]],
    ['qpu:sim(CNT:2),qpu:ibm(CNT:1)', [{ name: 'qpu', type: 'sim', count: 2 }, { name: 'qpu', type: 'ibm', count: 1 }]],
    ['gpu:a100:2(IDX:0-1,3),qpu:sim(CNT:1)', [{ name: 'gpu', type: 'a100', count: 2 }, { name: 'qpu', type: 'sim', count: 1 }]],
    ['gpu:a100:2,qpu:sim:1', [{ name: 'gpu', type: 'a100', count: 2 }, { name: 'qpu', type: 'sim', count: 1 }]],
    ['(null)', []],
  ])('GRES %j', (text, expected) => {
    expect(parseGresList(text)).toEqual(expected);
  });

  it('reads licenses with and without counts', () => {
    expect(parseLicenseList('a:2,b')).toEqual([
      { name: 'a', count: 2 },
      { name: 'b', count: 1 },
    ]);
  });
});
