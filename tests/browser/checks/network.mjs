// Console and network hygiene, read from the events recorded since the page was opened (so they
// include errors raised by the interactions of earlier checks: run these last).

export const noConsoleErrors = {
    name: 'console-errors',
    async run({ events }) {
        return { ok: events.consoleErrors.length === 0, detail: events.consoleErrors.slice(0, 5).join(' | ') };
    },
};

export const noFailedRequests = {
    name: 'failed-requests',
    async run({ events }) {
        return { ok: events.failedRequests.length === 0, detail: events.failedRequests.slice(0, 5).join(' | ') };
    },
};

export const noExternalRequests = {
    name: 'external-requests',
    async run({ events }) {
        return { ok: events.externalRequests.length === 0, detail: events.externalRequests.slice(0, 5).join(' | ') };
    },
};
