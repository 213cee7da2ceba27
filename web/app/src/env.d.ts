// Lets tsc (which checks web/**/*.ts) see .svelte imports; Vite compiles them.
declare module '*.svelte' {
  import type { Component } from 'svelte';
  const component: Component<Record<string, unknown>>;
  export default component;
}
declare module '*.css';
