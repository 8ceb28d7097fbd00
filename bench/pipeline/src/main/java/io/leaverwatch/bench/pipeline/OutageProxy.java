package io.leaverwatch.bench.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on 127.0.0.1 in front of one service, that can go down and come back on the same
 * port: while it is down, connections are refused and every open one is cut, which is what a client
 * sees of a stopped server. The drill puts it between the job and Elasticsearch.
 */
final class OutageProxy implements AutoCloseable {
  private final int targetPort;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;
  private volatile boolean closed;

  OutageProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    ServerSocket s = bind(0);
    this.port = s.getLocalPort();
    serve(s);
  }

  int port() {
    return port;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Refuses new connections and cuts the open ones until {@link #up()}. */
  synchronized void down() throws IOException {
    ServerSocket s = server;
    server = null;
    if (s != null) {
      s.close();
    }
    for (Socket c : open) {
      closeQuietly(c);
    }
    open.clear();
  }

  synchronized void up() throws IOException {
    if (server == null && !closed) {
      serve(bind(port));
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    down();
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
    return s;
  }

  private void serve(ServerSocket s) {
    server = s;
    Thread accept =
        new Thread(
            () -> {
              while (!s.isClosed()) {
                try {
                  Socket client = s.accept();
                  Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                  open.add(client);
                  open.add(upstream);
                  pump(client, upstream);
                  pump(upstream, client);
                } catch (IOException e) {
                  // closed by down(), or the target refused: the client's connection drops
                }
              }
            },
            "outage-proxy-accept-" + port);
    accept.setDaemon(true);
    accept.start();
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (SocketException e) {
                // cut by down() or by the other side
              } catch (IOException e) {
                // as above
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "outage-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already gone
    }
  }
}
