-- Cloud grants (issue 14): what AWS itself enforces for an agent's session credentials.
-- session_policy: an IAM session policy document (compact JSON) from 'CONN:policy=FILE.json'; not a secret.
-- services: comma list of AWS service signing names from 'CONN:services=s3,sts'; the broker refuses others before signing.
ALTER TABLE grants ADD COLUMN session_policy TEXT;
ALTER TABLE grants ADD COLUMN services TEXT;
