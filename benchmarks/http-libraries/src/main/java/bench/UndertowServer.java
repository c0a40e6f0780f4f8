package bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

import java.nio.ByteBuffer;

/**
 * Undertow 2.3 core (no servlets): the body is read on the I/O thread with
 * receiveFullBytes, parsed there, then exchange.dispatch(WORKER, ...) hands the
 * exchange to the worker, which ends it with the async Sender.
 * Usage: UndertowServer PORT
 */
public final class UndertowServer {
    public static void main(String[] args) {
        int port = Common.port(args);
        Undertow server = Undertow.builder()
                .addHttpListener(port, "127.0.0.1") // defaults: io threads = max(cores, 2), worker threads = 8 x io
                .setHandler(UndertowServer::handle)
                .build();
        server.start();
        Common.started("undertow", port);
    }

    static void handle(HttpServerExchange exchange) {
        String path = exchange.getRequestPath();
        if (Methods.POST.equals(exchange.getRequestMethod()) && Common.INFER_PATH.equals(path)) {
            exchange.getRequestReceiver().receiveFullBytes((ex, body) -> {
                JsonNode tree;
                try {
                    tree = Common.parse(body);
                } catch (Exception e) {
                    ex.setStatusCode(400);
                    ex.endExchange();
                    return;
                }
                ex.dispatch(Common.WORKER, () -> {
                    byte[] out;
                    try {
                        out = Common.infer(tree);
                    } catch (Exception e) {
                        ex.setStatusCode(500);
                        ex.endExchange();
                        return;
                    }
                    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                    ex.getResponseSender().send(ByteBuffer.wrap(out)); // sets Content-Length, ends the exchange
                });
            });
        } else if (Methods.GET.equals(exchange.getRequestMethod()) && Common.READY_PATH.equals(path)) {
            exchange.setStatusCode(200);
            exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
            exchange.endExchange();
        } else {
            exchange.setStatusCode(404);
            exchange.endExchange();
        }
    }
}
