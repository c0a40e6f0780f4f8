package bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.nio.ByteBuffer;

/**
 * Jetty 12 core Handler API (no servlets): the body is read asynchronously
 * (Content.Source.asByteArrayAsync), parsed in the promise, and the worker
 * writes the response and completes the Callback later.
 * Usage: JettyServer PORT
 */
public final class JettyServer {
    public static void main(String[] args) throws Exception {
        int port = Common.port(args);
        QueuedThreadPool pool = new QueuedThreadPool(); // defaults: max 200, min 8
        pool.setName("jetty");
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        server.setHandler(new InferHandler());
        server.start();
        Common.started("jetty", port);
        server.join();
    }

    static final class InferHandler extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = request.getHttpURI().getPath();
            String method = request.getMethod();
            if (HttpMethod.POST.is(method) && Common.INFER_PATH.equals(path)) {
                Content.Source.asByteArrayAsync(request, Common.MAX_BODY,
                        Promise.Invocable.from(Invocable.InvocationType.NON_BLOCKING, (byte[] body, Throwable failure) -> {
                            if (failure != null) {
                                Response.writeError(request, response, callback, 400);
                                return;
                            }
                            JsonNode tree;
                            try {
                                tree = Common.parse(body);
                            } catch (Exception e) {
                                Response.writeError(request, response, callback, 400);
                                return;
                            }
                            Common.WORKER.execute(() -> {
                                byte[] out;
                                try {
                                    out = Common.infer(tree);
                                } catch (Exception e) {
                                    Response.writeError(request, response, callback, 500);
                                    return;
                                }
                                response.setStatus(200);
                                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, out.length);
                                response.write(true, ByteBuffer.wrap(out), callback);
                            });
                        }));
                return true;
            }
            if (HttpMethod.GET.is(method) && Common.READY_PATH.equals(path)) {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
                callback.succeeded();
                return true;
            }
            return false; // Jetty answers 404
        }
    }
}
