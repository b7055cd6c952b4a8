// Our package as users import it (node_modules/tigris-agent-kit → pkg/), for set-up and clean-up.
export const kit = await import('tigris-agent-kit');
