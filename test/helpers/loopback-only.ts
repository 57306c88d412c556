// Any socket to a non-loopback address fails loudly instead of hanging or reaching the internet.
import net from 'node:net';

const isLoopback = (host: string | undefined): boolean =>
  host === undefined || host === 'localhost' || host === '::1' || host.startsWith('127.') || host === '';

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0] as { host?: string; path?: string } | number | string;
  const host =
    typeof first === 'object' && first !== null
      ? first.path
        ? 'localhost'
        : first.host
      : typeof first === 'number'
        ? (args[1] as string | undefined)
        : undefined;
  if (!isLoopback(typeof host === 'string' ? host : undefined)) {
    throw new Error(`test tried to open a connection to ${String(host)}: only 127.0.0.1 is allowed`);
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
