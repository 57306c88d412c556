// A minimal WebSocket endpoint (RFC 6455: handshake, text frames, close) standing in for Slack's Socket
// Mode server on 127.0.0.1. It greets with {"type":"hello"}, records what the app sends (acks), and can
// push envelopes (slash commands, interactions) to the app.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const frame = (opcode: number, payload: Buffer): Buffer => {
  const len = payload.length;
  const head =
    len < 126 ? Buffer.from([0x80 | opcode, len]) : Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff]);
  if (len >= 65_536) throw new Error('fake socket mode sends frames under 64 KiB');
  return Buffer.concat([head, payload]);
};

export class FakeSocketMode {
  /** JSON messages received from the app (acks). */
  readonly received: unknown[] = [];
  connections = 0;
  private sockets = new Set<Duplex>();

  /** Handles an HTTP upgrade request: completes the handshake and says hello. */
  upgrade(req: IncomingMessage, socket: Duplex): void {
    const key = req.headers['sec-websocket-key'];
    if (typeof key !== 'string') {
      socket.destroy();
      return;
    }
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    this.connections += 1;
    this.sockets.add(socket);
    let buffered: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      buffered = this.readFrames(socket, buffered);
    });
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => this.sockets.delete(socket));
    this.send(socket, { type: 'hello', num_connections: 1, connection_info: { app_id: 'A0FAKE' } });
  }

  /** Pushes an envelope to every connected app. */
  push(envelope: unknown): void {
    for (const socket of this.sockets) this.send(socket, envelope);
  }

  close(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private send(socket: Duplex, message: unknown): void {
    socket.write(frame(0x1, Buffer.from(JSON.stringify(message))));
  }

  /** Client frames are masked; returns what is left of an incomplete frame. */
  private readFrames(socket: Duplex, data: Buffer): Buffer {
    let rest = data;
    while (rest.length >= 2) {
      const opcode = (rest[0] as number) & 0x0f;
      let len = (rest[1] as number) & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (rest.length < 4) return rest;
        len = rest.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (rest.length < 10) return rest;
        len = Number(rest.readBigUInt64BE(2));
        offset = 10;
      }
      const masked = ((rest[1] as number) & 0x80) !== 0;
      const maskEnd = offset + (masked ? 4 : 0);
      if (rest.length < maskEnd + len) return rest;
      const payload = Buffer.from(rest.subarray(maskEnd, maskEnd + len));
      if (masked)
        for (let i = 0; i < len; i += 1)
          payload[i] = (payload[i] as number) ^ (rest[offset + (i % 4)] as number);
      rest = rest.subarray(maskEnd + len);
      if (opcode === 0x1) this.received.push(JSON.parse(payload.toString('utf8')));
      else if (opcode === 0x9) socket.write(frame(0xa, payload));
      else if (opcode === 0x8) {
        socket.write(frame(0x8, Buffer.alloc(0)));
        socket.end();
      }
    }
    return rest;
  }
}
