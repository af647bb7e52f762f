/** Environment overrides so that no AWS credentials of the machine running the tests reach a script. */
export const NO_AWS: NodeJS.ProcessEnv = {
  AWS_ACCESS_KEY_ID: "",
  AWS_PROFILE: "",
  AWS_WEB_IDENTITY_TOKEN_FILE: "",
  AWS_CONTAINER_CREDENTIALS_FULL_URI: "",
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
  AWS_CONFIG_FILE: "/nonexistent/config",
  AWS_EC2_METADATA_DISABLED: "true",
};
