// The tests' browser-side helpers, declared in browser.rs.
// onboarding.rs
export function fire(target, type) {
    target.dispatchEvent(new Event(type, { bubbles: true }));
}

// import_export.rs
export function text_file(name, text) {
    return new File([text], name, { type: "text/csv" });
}
export function sized_file(name, size) {
    return new File([new Uint8Array(size)], name, { type: "text/csv" });
}
export function choose_file(input, file) {
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

// portal.rs
export function make_file(name, size) {
    return new File([new Uint8Array(size)], name, { type: "application/pdf" });
}
function transfer_of(files) {
    const transfer = new DataTransfer();
    for (const file of files) { transfer.items.add(file); }
    return transfer;
}
export function choose_files(input, files) {
    input.files = transfer_of(files).files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}
export function drop_files(target, files) {
    const dataTransfer = transfer_of(files);
    for (const type of ["dragenter", "dragover", "drop"]) {
        target.dispatchEvent(new DragEvent(type, { dataTransfer, bubbles: true, cancelable: true }));
    }
}

// http_api.rs
let realFetchOfApi = null;
let sentRequests = [];
export function stub_fetch(answers_json) {
    const answers = JSON.parse(answers_json);
    realFetchOfApi = realFetchOfApi || globalThis.fetch;
    sentRequests = [];
    globalThis.fetch = async (request) => {
        const path = new URL(request.url).pathname;
        sentRequests.push({
            method: request.method,
            path,
            csrf_token: request.headers.get("X-CSRF-Token"),
            credentials: request.credentials,
        });
        const [status, body] = answers[request.method + " " + path]
            || [404, '{"error":{"code":"not_found","message":"No such route."}}'];
        return new Response(status === 204 ? null : body, {
            status,
            headers: { "Content-Type": "application/json" },
        });
    };
}
export function unstub_fetch() {
    if (realFetchOfApi) { globalThis.fetch = realFetchOfApi; }
}
export function sent_requests() {
    return JSON.stringify(sentRequests);
}

// upload_http.rs
let realFetchOfUploads = null;
let RealXHR = null;
let sentUploads = [];
export function stub_browser(session_json, status, body) {
    realFetchOfUploads = realFetchOfUploads || globalThis.fetch;
    RealXHR = RealXHR || globalThis.XMLHttpRequest;
    sentUploads = [];
    globalThis.fetch = async () => new Response(session_json, {
        status: 200, headers: { "Content-Type": "application/json" },
    });
    globalThis.XMLHttpRequest = class {
        constructor() {
            this.upload = { onprogress: null };
            this.headers = {};
            this.readyState = 0;
            this.status = 0;
            this.responseText = "";
            this.withCredentials = false;
        }
        open(method, url) { this.method = method; this.url = url; this.readyState = 1; }
        setRequestHeader(name, value) { this.headers[name] = value; }
        abort() { this.aborted = true; }
        send(form) {
            const file = form.get("file");
            sentUploads.push({
                method: this.method,
                path: new URL(this.url, location.href).pathname,
                csrf_token: this.headers["X-CSRF-Token"] || null,
                with_credentials: this.withCredentials,
                parts: [...form.keys()],
                file_name: file.name,
            });
            const progress = (loaded) => this.upload.onprogress && this.upload.onprogress(
                new ProgressEvent("progress", { lengthComputable: true, loaded, total: file.size }));
            setTimeout(() => {
                progress(file.size / 2);
                progress(file.size);
                this.readyState = 4;
                this.status = status;
                this.responseText = body;
                this.onload && this.onload(new ProgressEvent("load"));
            }, 5);
        }
    };
}
export function unstub_browser() {
    if (realFetchOfUploads) { globalThis.fetch = realFetchOfUploads; }
    if (RealXHR) { globalThis.XMLHttpRequest = RealXHR; }
}
export function sent_uploads() { return JSON.stringify(sentUploads); }
export function pdf(name) { return new File(["%PDF-1.4 a receipt"], name, { type: "application/pdf" }); }
