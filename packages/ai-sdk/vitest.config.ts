import { mufflerProject } from "@muffler/vitest-preset";

export default mufflerProject("ai-sdk");
