// One place that binds the view library: preact + htm (tagged templates, no build step).
import { h, render } from "preact";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import htm from "htm";

export const html = htm.bind(h);
export { h, render, useCallback, useEffect, useMemo, useRef, useState };
