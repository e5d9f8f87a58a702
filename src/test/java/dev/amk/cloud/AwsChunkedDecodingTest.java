package dev.amk.cloud;

import okhttp3.RequestBody;
import okio.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AwsChunkedDecodingTest {
	private static byte[] encode(byte[] data, int chunk, boolean signed, boolean trailer) {
		Buffer out = new Buffer();
		String ext = signed ? ";chunk-signature=" + "a".repeat(64) : "";
		for (int i = 0; i < data.length; i += chunk) {
			int n = Math.min(chunk, data.length - i);
			out.writeUtf8(Integer.toHexString(n) + ext + "\r\n").write(data, i, n).writeUtf8("\r\n");
		}
		out.writeUtf8("0" + ext + "\r\n");
		if (trailer) {
			out.writeUtf8("x-amz-checksum-crc32:AAAAAA==\r\n");
		}
		out.writeUtf8("\r\n");
		return out.readByteArray();
	}

	/** Writes {@code encoded} into the decoder in slices of {@code slice} bytes, as a socket would deliver it. */
	private static byte[] decode(byte[] encoded, long decodedLength, int slice) throws IOException {
		RequestBody sliced = new RequestBody() {
			@Override
			public okhttp3.MediaType contentType() {
				return null;
			}

			@Override
			public void writeTo(okio.BufferedSink sink) throws IOException {
				for (int i = 0; i < encoded.length; i += slice) {
					sink.write(encoded, i, Math.min(slice, encoded.length - i));
					sink.flush();
				}
			}
		};
		AwsChunkedDecoding decoding = new AwsChunkedDecoding(sliced, decodedLength);
		assertEquals(decodedLength, decoding.contentLength());
		Buffer out = new Buffer();
		decoding.writeTo(out);
		return out.readByteArray();
	}

	@ParameterizedTest(name = "slices of {0} bytes")
	@ValueSource(ints = {1, 7, 64, 8192, 1 << 20})
	@DisplayName("signed chunks and unsigned chunks with trailers decode to the payload, however the bytes are sliced")
	void decodes(int slice) throws IOException {
		byte[] data = new byte[100_003];
		new Random(slice).nextBytes(data);
		assertArrayEquals(data, decode(encode(data, 8192, true, false), data.length, slice));
		assertArrayEquals(data, decode(encode(data, 65536, false, true), data.length, slice));
		assertArrayEquals(new byte[0], decode(encode(new byte[0], 10, true, false), 0, slice));
	}

	@Test
	@DisplayName("a body longer or shorter than x-amz-decoded-content-length, or with broken framing, fails the upload")
	void refusesBrokenBodies() {
		byte[] data = "hello world".getBytes(StandardCharsets.US_ASCII);
		assertThrows(IOException.class, () -> decode(encode(data, 4, true, false), data.length - 1, 3));
		assertThrows(IOException.class, () -> decode(encode(data, 4, true, false), data.length + 1, 3));
		assertThrows(IOException.class, () -> decode("zz\r\nabc\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 3, 1));
		assertThrows(IOException.class, () -> decode("3\r\nabcX\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 3, 1));
		assertThrows(IOException.class, () -> decode(("1".repeat(9000)).getBytes(StandardCharsets.US_ASCII), 3, 100));
	}
}
