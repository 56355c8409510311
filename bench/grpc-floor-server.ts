import { createServer } from 'node:http2';
import { rmSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { loadProtos } from '../src/api/grpc/proto.js';

/**
 * `node grpc-floor-server.js grpc-js|http2 SOCKET`: CRI v1's Version with a
 * constant answer, served by a bare grpc-js server or by Node's http2
 * module with the gRPC framing done by hand (what any gRPC server on Node
 * sits on). For grpc-floor.bench.ts only: the second has none of what a
 * real server needs (deadlines, cancellation, compression, limits, errors).
 */
const [mode, socket] = process.argv.slice(2);
const version = loadProtos().v1.RuntimeService.service.Version;
const answer = { version: '0.1.0', runtime_name: 'floor', runtime_version: '0.1.0', runtime_api_version: 'v1' };
rmSync(socket, { force: true });

if (mode === 'grpc-js') {
  const server = new grpc.Server();
  server.addService({ Version: version }, { Version: (_call: unknown, cb: grpc.sendUnaryData<object>) => cb(null, answer) });
  server.bindAsync(`unix:${socket}`, grpc.ServerCredentials.createInsecure(), (err) => {
    if (err) throw err;
  });
} else if (mode === 'http2') {
  const message = version.responseSerialize(answer);
  const framed = Buffer.alloc(5 + message.length);
  framed.writeUInt32BE(message.length, 1);
  message.copy(framed, 5);
  createServer()
    .on('stream', (stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        version.requestDeserialize(Buffer.concat(chunks).subarray(5));
        stream.respond({ ':status': 200, 'content-type': 'application/grpc+proto' }, { waitForTrailers: true });
        stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': 'OK' }));
        stream.end(framed);
      });
    })
    .listen(socket);
} else {
  throw new Error(`${mode}: grpc-js or http2`);
}
