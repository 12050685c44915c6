/**
 * From a QRMI configuration to a catalogue: each resource keeps its name as the backend alias (so
 * `--qpu=NAME` names the same thing), its type is mapped (types.ts), its settings become fields,
 * and its credentials leave the file for a root-only secret file the entry references. Pure: the
 * caller writes what the plan says. Every resource that does not make it is listed with why.
 */
import { NAME_PATTERN } from '../../backends/entry.js';
import type { Backend } from '../../backends/types.js';
import { describeIssues } from '../../config/load.js';
import type { QrmiConfig, QrmiResource } from './config.js';
import { CREDENTIAL_NAME, QRMI_TYPES, type TypeMapping } from './types.js';

export interface PlanOptions {
  /** Absolute directory for the secret files. */
  readonly secretsDir: string;
  /** How Slurm counts each imported backend: a license (cluster-wide, the default) or a GRES type. */
  readonly capacity: 'license' | 'gres';
  /** Lanes of each backend (jobs at once). */
  readonly lanes: number;
  /** The registry: which types this version has an adapter for. */
  readonly backendFor: (type: string) => Backend | undefined;
}

export interface PlannedSecret {
  readonly path: string;
  readonly text: string;
}

interface ImportedBackend {
  readonly name: string;
  readonly qrmiType: string;
  readonly type: string;
  readonly secret: string | null;
}

interface SkippedResource {
  readonly name: string;
  readonly qrmiType: string;
  readonly reason: string;
}

export interface ImportPlan {
  readonly catalogue: { version: 1; $comment: string; backends: Record<string, Record<string, unknown>> };
  readonly imported: ImportedBackend[];
  readonly skipped: SkippedResource[];
  /** Settings not carried over, and why. */
  readonly notes: string[];
  readonly secrets: PlannedSecret[];
  /** What slurm.conf (and gres.conf) must gain for the imported backends. */
  readonly slurmLines: string[];
}

/** `QRMI_IBM_QCS_ENDPOINT` (or `<name>_QRMI_IBM_QCS_ENDPOINT`) → `ENDPOINT`, or null for another vendor's setting. */
function settingKey(rawKey: string, name: string, mapping: TypeMapping): string | null {
  const key = rawKey.startsWith(`${name}_`) ? rawKey.slice(name.length + 1) : rawKey;
  const prefix = mapping.prefixes.find((p) => key.startsWith(p));
  return prefix === undefined ? null : key.slice(prefix.length);
}

const NUMERIC_FIELD = /(_secs|_seconds|_ttl)$/;

function fieldValue(field: string, value: string): unknown {
  return NUMERIC_FIELD.test(field) && /^\d+$/.test(value) ? Number(value) : value;
}

function secretText(mapping: TypeMapping, fields: Record<string, string>): string {
  const values = Object.values(fields);
  return mapping.secretForm === 'value' && values.length === 1 ? `${values[0] ?? ''}\n` : `${JSON.stringify(fields, null, 2)}\n`;
}

function planResource(resource: QrmiResource, options: PlanOptions, plan: ImportPlan): void {
  const { name, type: qrmiType } = resource;
  const skip = (reason: string): void => {
    plan.skipped.push({ name, qrmiType, reason });
  };
  if (!NAME_PATTERN.test(name)) return skip('its name is not usable as a backend alias (letters, digits, _ - ., at most 63)');
  if (resource.is_dynamic === true) return skip('it is a dynamic (discovery) resource; add each device it finds as its own backend');
  const mapping = QRMI_TYPES[qrmiType];
  if (mapping === undefined) return skip(`QRMI type ${qrmiType} has no equivalent in slurm-qpu`);
  const backend = options.backendFor(mapping.type);
  if (backend === undefined) return skip(`no adapter in this version for ${mapping.type}; import again once slurm-qpu has one`);

  const entry: Record<string, unknown> = { type: mapping.type, ...mapping.fromName?.(name) };
  const secretFields: Record<string, string> = {};
  for (const [rawKey, value] of Object.entries(resource.environment)) {
    const key = settingKey(rawKey, name, mapping);
    if (key === null) {
      plan.notes.push(`${name}: ${rawKey} is not a ${qrmiType} setting; not carried over`);
      continue;
    }
    const secretField = mapping.secrets[key] ?? (CREDENTIAL_NAME.test(key) ? key.toLowerCase() : undefined);
    if (secretField !== undefined) {
      secretFields[secretField] = value;
      continue;
    }
    const dropped = mapping.dropped[key];
    if (dropped !== undefined) {
      plan.notes.push(`${name}: ${rawKey} not carried over: ${dropped}`);
      continue;
    }
    const field = mapping.fields[key] ?? key.toLowerCase();
    entry[field] = fieldValue(field, value);
  }
  entry['capacity'] = options.capacity === 'license' ? { license: `qpu_${name}`, lanes: options.lanes } : { gres: name, lanes: options.lanes };
  const secretPath = `${options.secretsDir}/${name}.${mapping.secretForm === 'json' ? 'json' : 'key'}`;
  if (Object.keys(secretFields).length > 0) entry['secret'] = `file:${secretPath}`;

  // A setting the adapter has no field for is dropped with a note rather than failing the entry.
  let parsed = backend.entrySchema.safeParse(entry);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code !== 'unrecognized_keys') continue;
      for (const key of issue.keys) {
        delete entry[key];
        plan.notes.push(`${name}: ${key} has no field in ${mapping.type}; not carried over`);
      }
    }
    parsed = backend.entrySchema.safeParse(entry);
  }
  if (!parsed.success) {
    return skip(`the ${mapping.type} entry would be invalid: ${describeIssues(parsed.error).map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
  plan.catalogue.backends[name] = entry;
  if (entry['secret'] !== undefined) plan.secrets.push({ path: secretPath, text: secretText(mapping, secretFields) });
  plan.imported.push({ name, qrmiType, type: mapping.type, secret: entry['secret'] === undefined ? null : secretPath });
}

function slurmLines(imported: readonly ImportedBackend[], options: PlanOptions): string[] {
  if (imported.length === 0) return [];
  if (options.capacity === 'license') {
    return [`slurm.conf: Licenses=${imported.map((b) => `qpu_${b.name}:${options.lanes}`).join(',')}`];
  }
  return [
    'slurm.conf: GresTypes=qpu (added to any existing GresTypes)',
    `slurm.conf: NodeName=<nodes that reach them> ... Gres=${imported.map((b) => `qpu:${b.name}:${options.lanes}`).join(',')}`,
    ...imported.map((b) => `gres.conf:  Name=qpu Type=${b.name} Count=${options.lanes} Flags=CountOnly`),
  ];
}

export function planImport(config: QrmiConfig, source: string, options: PlanOptions): ImportPlan {
  const plan: ImportPlan = {
    catalogue: { version: 1, $comment: `imported from ${source} by qrun admin import-qrmi`, backends: {} },
    imported: [],
    skipped: [],
    notes: [],
    secrets: [],
    slurmLines: [],
  };
  for (const resource of config.resources) planResource(resource, options, plan);
  for (const provider of config.providers ?? []) {
    plan.skipped.push({ name: '(provider)', qrmiType: provider.type, reason: 'a provider discovers devices at run time; add each device as its own backend' });
  }
  plan.slurmLines.push(...slurmLines(plan.imported, options));
  return plan;
}
