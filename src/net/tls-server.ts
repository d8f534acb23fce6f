/**
 * The https server for native TLS (PROTOCOL §7): REST and wss on one port. Certificates are replaced without a
 * restart — on SIGHUP, or when the files change (watching their directories, since renewal tools usually swap a
 * file in by rename, which a watch on the old file would miss). A reload that fails keeps the current certificate.
 */
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { basename, dirname } from 'node:path';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export interface TlsLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface TlsServer {
  server: Server;
  /** Reads both files again and swaps them in for new connections; resolves false (and keeps the old ones) on failure. */
  reload(): boolean;
  /** Stops watching files and listening for SIGHUP. */
  stop(): void;
}

/** Renewal tools write key and certificate one after the other: wait for both before reading. */
const SETTLE_MS = 200;

function read(files: TlsFiles): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
}

export function createTlsServer(files: TlsFiles, log: TlsLog): TlsServer {
  const server = createServer(read(files));
  const reload = (): boolean => {
    try {
      server.setSecureContext(read(files));
      log.info({ certFile: files.certFile }, 'tls: certificate reloaded');
      return true;
    } catch (error) {
      log.warn({ certFile: files.certFile, err: error instanceof Error ? error.message : String(error) }, 'tls: reload failed; keeping the current certificate');
      return false;
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(reload, SETTLE_MS);
    timer.unref();
  };
  const names = new Set([basename(files.certFile), basename(files.keyFile)]);
  const watchers: FSWatcher[] = [...new Set([dirname(files.certFile), dirname(files.keyFile)])].map((dir) =>
    watch(dir, { persistent: false }, (_event, name) => {
      if (name === null || names.has(name.toString())) soon();
    }),
  );
  const onHangup = () => void reload();
  process.on('SIGHUP', onHangup);
  return {
    server,
    reload,
    stop() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
      process.off('SIGHUP', onHangup);
    },
  };
}
