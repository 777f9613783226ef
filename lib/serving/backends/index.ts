import { createServingRegistry } from "../registry";
import { haproxyBackend } from "./haproxy";
import { httpBackend } from "./http";
import { kserveBackend } from "./kserve";

/** Every serving backend a deployment may use: a new one is its folder plus one line here. */
export const servingBackends = createServingRegistry([httpBackend, haproxyBackend, kserveBackend]);
