import { mufflerProject } from "@muffler/vitest-preset";

export default mufflerProject("evaluation");
