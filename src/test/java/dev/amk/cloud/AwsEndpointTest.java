package dev.amk.cloud;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AwsEndpointTest {
	@ParameterizedTest(name = "{0} → {1}/{2}")
	@CsvSource({
			"s3.amazonaws.com, eu-west-3, s3",
			"data.s3.amazonaws.com, eu-west-3, s3",
			"data.s3.us-west-2.amazonaws.com, us-west-2, s3",
			"s3-external-1.amazonaws.com, eu-west-3, s3",
			"sts.amazonaws.com, us-east-1, sts",
			"sts.eu-central-1.amazonaws.com, eu-central-1, sts",
			"iam.amazonaws.com, us-east-1, iam",
			"dynamodb.ap-southeast-2.amazonaws.com, ap-southeast-2, dynamodb",
	})
	@DisplayName("without the tool's credential scope, the host names region and service (global endpoints sign in us-east-1)")
	void fromHost(String host, String region, String service) {
		assertEquals(new AwsEndpoint(region, service), AwsEndpoint.of(null, host, "eu-west-3"));
	}

	@Test
	@DisplayName("the tool's own credential scope wins over the host")
	void fromScope() {
		String auth = "AWS4-HMAC-SHA256 Credential=AKIAAMKPLACEHOLDER00/20260101/eu-north-1/execute-api/aws4_request, SignedHeaders=host, Signature=00";
		assertEquals(new AwsEndpoint("eu-north-1", "execute-api"), AwsEndpoint.of(auth, "abc.execute-api.eu-north-1.amazonaws.com", "us-east-1"));
		assertEquals(new AwsEndpoint("us-east-1", "sts"), AwsEndpoint.of("Bearer x", "sts.amazonaws.com", "eu-west-1"));
	}
}
