/**
 * A minimal SMTP server for tests (RFC 5321's happy path and its refusals), written for them: no TLS,
 * no AUTH. Modes: `accept` stores each message; `refuse` answers 550 to RCPT TO; `reject-greeting`
 * opens with 554; `silent` accepts the connection and never speaks (a server that times out).
 */
import net from 'node:net';
import { afterAll } from 'vitest';

export type SmtpMode = 'accept' | 'refuse' | 'reject-greeting' | 'silent';

export interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
}

export async function startSmtpServer(initial: SmtpMode = 'accept') {
  const received: ReceivedMail[] = [];
  const sockets = new Set<net.Socket>();
  const state = { mode: initial, connections: 0 };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    state.connections++;
    const mode = state.mode;
    if (mode === 'silent') return;
    const say = (line: string) => socket.write(line + '\r\n');
    if (mode === 'reject-greeting') {
      say('554 test.local no service for you');
      socket.end();
      return;
    }
    say('220 test.local ESMTP test server');
    let buffer = '';
    let inData = false;
    let mail: ReceivedMail = { from: '', to: [], data: '' };
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          mail.data = buffer.slice(0, end).replace(/^\.\./gm, '.');
          buffer = buffer.slice(end + 5);
          inData = false;
          received.push(mail);
          mail = { from: '', to: [], data: '' };
          say('250 2.0.0 queued');
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') {
          say('250-test.local greets you');
          say('250-8BITMIME');
          say('250 SMTPUTF8');
        } else if (verb === 'HELO') say('250 test.local');
        else if (verb === 'MAIL') {
          mail.from = line.slice(10).trim();
          say('250 2.1.0 ok');
        } else if (verb === 'RCPT') {
          if (mode === 'refuse') say('550 5.1.1 mailbox unavailable');
          else {
            mail.to.push(line.slice(8).trim());
            say('250 2.1.5 ok');
          }
        } else if (verb === 'DATA') {
          inData = true;
          say('354 end data with <CR><LF>.<CR><LF>');
        } else if (verb === 'RSET') {
          mail = { from: '', to: [], data: '' };
          say('250 ok');
        } else if (verb === 'NOOP') say('250 ok');
        else if (verb === 'QUIT') {
          say('221 bye');
          socket.end();
        } else say('502 5.5.2 command not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  afterAll(close);
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    state,
    setMode(mode: SmtpMode) {
      state.mode = mode;
    },
    close,
  };
}

/** The decoded text body of a single-part message as nodemailer writes it (base64, quoted-printable or plain). */
export function bodyOf(data: string): string {
  const split = data.indexOf('\r\n\r\n');
  const head = data.slice(0, split);
  const body = data.slice(split + 4);
  const encoding = /Content-Transfer-Encoding:\s*(\S+)/i.exec(head)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}
