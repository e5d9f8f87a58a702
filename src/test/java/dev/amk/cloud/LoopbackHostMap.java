package dev.amk.cloud;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;

/**
 * The test-only host map of the cloud tests: the broker's upstream client resolves the cloud's hosts to loopback
 * (its {@code Dns}) and this socket factory sends their port 443 to the fake's port. In production use
 * {@code --host-map} plays this part.
 */
public final class LoopbackHostMap {
	private LoopbackHostMap() {
	}

	public static SocketFactory port443To(int port) {
		return new SocketFactory() {
			@Override
			public Socket createSocket() {
				return new Socket() {
					@Override
					public void connect(SocketAddress endpoint, int timeout) throws IOException {
						InetSocketAddress a = (InetSocketAddress) endpoint;
						super.connect(a.getAddress().isLoopbackAddress() && a.getPort() == 443 ? new InetSocketAddress(a.getAddress(), port) : a, timeout);
					}
				};
			}

			@Override
			public Socket createSocket(String host, int p) throws IOException {
				Socket s = createSocket();
				s.connect(new InetSocketAddress(host, p));
				return s;
			}

			@Override
			public Socket createSocket(String host, int p, InetAddress local, int localPort) throws IOException {
				return createSocket(host, p);
			}

			@Override
			public Socket createSocket(InetAddress host, int p) throws IOException {
				Socket s = createSocket();
				s.connect(new InetSocketAddress(host, p));
				return s;
			}

			@Override
			public Socket createSocket(InetAddress address, int p, InetAddress local, int localPort) throws IOException {
				return createSocket(address, p);
			}
		};
	}
}
