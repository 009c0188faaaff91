// Ask the test to capture the screen, then hold the page still while it does.
export function screenshot(name, trigger) {
    return [
        {
            content: `Screenshot ${name}`,
            trigger,
            run() {
                console.log(`crm_case_screenshot ${name}`);
            },
        },
        {
            trigger,
            run: () => new Promise((resolve) => setTimeout(resolve, 1500)),
        },
    ];
}
