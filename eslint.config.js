import config from "@muffler/eslint-config";

export default config;
