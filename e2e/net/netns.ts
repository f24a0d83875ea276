// A private two-machine network for tests: Hearth in one Linux network
// namespace, the "phone" in another, joined by a veth pair with addresses that
// exist only inside the two namespaces. The phone reaches Hearth through a real
// non-loopback address, and nothing touches the machine's own interfaces.
// Taking an end of the veth down is a real black hole: no RST, no FIN, sockets
// left half-open, as when a phone walks out of Wi-Fi range.
//
// Needs root (CI runs as root; elsewhere netnsSkipReason() says so in one line) and
// iproute2, which .ci/run installs. Names carry this process's pid, so a later run can
// clear what a killed run (SIGKILL, no chance to clean) left behind.
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((path) => existsSync(path));

/** Why namespace tests cannot run here, or undefined when they can. */
export function netnsSkipReason(): string | undefined {
  // Namespaces are Linux's and need root; CI runs these tests as root on Linux.
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    return 'skipped, not root: creating network namespaces needs root (CI runs them as root)';
  }
  return undefined;
}

export type Side = 'hearth' | 'phone';

export interface NamespaceEnd {
  /** The namespace name, e.g. hearth-4242-a1b2. */
  readonly ns: string;
  /** This end of the veth pair, inside ns. */
  readonly dev: string;
  /** Its address, e.g. 10.213.7.1. */
  readonly address: string;
}

function ip(...args: string[]): string {
  if (!IP) throw new Error('iproute2 (`ip`) is not installed');
  return execFileSync(IP, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const NAME = /^(?:hearth|phone)-(\d+)-[0-9a-f]+$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Kills whatever still runs inside a namespace, then removes it (and its end of the veth). */
function deleteNamespace(name: string): void {
  let pids: number[] = [];
  try {
    pids = ip('netns', 'pids', name).split('\n').filter(Boolean).map(Number);
  } catch {
    return; // never made, or already gone
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Exited meanwhile.
    }
  }
  try {
    ip('netns', 'del', name);
  } catch {
    // Someone else removed it first.
  }
}

/** Removes namespaces a killed earlier run left behind (their pid is gone). */
export function removeStaleNamespaces(): string[] {
  const removed: string[] = [];
  for (const line of ip('netns', 'list').split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const pid = Number(NAME.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    deleteNamespace(name);
    removed.push(name);
  }
  return removed;
}

/** Every namespace pair this process made and has not removed yet. */
const live = new Set<NetnsPair>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  // Even a failing or interrupted test run leaves no namespace behind.
  process.on('exit', () => {
    for (const pair of live) pair.removeNow();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const pair of live) pair.removeNow();
      process.kill(process.pid, signal);
    });
  }
}

export class NetnsPair implements AsyncDisposable {
  readonly runId: string;
  readonly hearth: NamespaceEnd;
  readonly phone: NamespaceEnd;
  /** The /30 both ends share, e.g. 10.213.7.0/30. */
  readonly subnet: string;
  readonly #children = new Set<ChildProcess>();
  #removed = false;

  private constructor(runId: string, subnet: number) {
    this.runId = runId;
    this.subnet = `10.213.${subnet}.0/30`;
    const tag = runId.split('-')[1] ?? runId;
    this.hearth = { ns: `hearth-${runId}`, dev: `hv-${tag}`, address: `10.213.${subnet}.1` };
    this.phone = { ns: `phone-${runId}`, dev: `pv-${tag}`, address: `10.213.${subnet}.2` };
  }

  /** Makes both namespaces, the veth pair between them, and brings everything up. */
  static create(): NetnsPair {
    const reason = netnsSkipReason();
    if (reason) throw new Error(reason);
    removeStaleNamespaces();
    hookExit();
    const pair = new NetnsPair(
      `${process.pid}-${randomBytes(3).toString('hex')}`,
      randomBytes(1)[0] ?? 0,
    );
    live.add(pair);
    try {
      const { hearth, phone } = pair;
      ip('netns', 'add', hearth.ns);
      ip('netns', 'add', phone.ns);
      // Both ends are born inside their namespaces: the host never sees them.
      ip(
        'link',
        'add',
        hearth.dev,
        'netns',
        hearth.ns,
        'type',
        'veth',
        'peer',
        'name',
        phone.dev,
        'netns',
        phone.ns,
      );
      for (const end of [hearth, phone]) {
        ip('-n', end.ns, 'link', 'set', 'lo', 'up');
        ip('-n', end.ns, 'addr', 'add', `${end.address}/30`, 'dev', end.dev);
        // No IPv6 link-local address: it would finish its duplicate check a second
        // after the link comes up, and Chromium aborts a page load under way on
        // that address change (net::ERR_NETWORK_CHANGED). The LAN here is IPv4.
        ip('-n', end.ns, 'link', 'set', end.dev, 'addrgenmode', 'none');
        ip('-n', end.ns, 'link', 'set', end.dev, 'up');
      }
    } catch (error) {
      pair.removeNow();
      throw error;
    }
    return pair;
  }

  end(side: Side): NamespaceEnd {
    return side === 'hearth' ? this.hearth : this.phone;
  }

  /**
   * Takes the link down at one end (the phone's by default, as when its radio
   * loses the network). Packets stop; nobody is told.
   */
  down(side: Side = 'phone'): void {
    const end = this.end(side);
    ip('-n', end.ns, 'link', 'set', end.dev, 'down');
  }

  /** Brings the link back up at that end. */
  up(side: Side = 'phone'): void {
    const end = this.end(side);
    ip('-n', end.ns, 'link', 'set', end.dev, 'up');
  }

  /**
   * Takes away the phone's route to Hearth while its link stays up: the browser
   * still believes it is online (no 'offline' event), nothing gets through, and
   * each new connection fails at once, as on a network that cannot reach Hearth.
   */
  unroute(): void {
    ip('-n', this.phone.ns, 'route', 'del', this.subnet, 'dev', this.phone.dev);
  }

  /** Gives the route back, again without the browser hearing of it. */
  reroute(): void {
    const { ns, dev, address } = this.phone;
    ip('-n', ns, 'route', 'add', this.subnet, 'dev', dev, 'src', address);
  }

  /** The argv that runs command inside a namespace. */
  argv(side: Side, command: string, args: readonly string[] = []): [string, string[]] {
    if (!IP) throw new Error('iproute2 (`ip`) is not installed');
    return [IP, ['netns', 'exec', this.end(side).ns, command, ...args]];
  }

  /** Starts a process inside a namespace; it is killed when the pair is removed. */
  spawn(
    side: Side,
    command: string,
    args: readonly string[],
    options: SpawnOptions = {},
  ): ChildProcess {
    const [file, argv] = this.argv(side, command, args);
    const child = spawn(file, argv, options);
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    return child;
  }

  /** Kills what runs inside, then removes both namespaces (and with them the veth pair). */
  removeNow(): void {
    if (this.#removed) return;
    this.#removed = true;
    live.delete(this);
    for (const child of this.#children) child.kill('SIGKILL');
    // Also what was started inside another way (Hearth itself, Chromium's helpers).
    for (const end of [this.hearth, this.phone]) deleteNamespace(end.ns);
  }

  /** Gives started processes a moment to exit by themselves first. */
  async remove(graceMs = 5000): Promise<void> {
    const exits = [...this.#children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    );
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, graceMs).unref())]);
    this.removeNow();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.remove();
  }
}

/** Namespaces of this kind that exist now (to check a test left none behind). */
export function listTestNamespaces(): string[] {
  return ip('netns', 'list')
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => NAME.test(name));
}
