//! Getting a document's text with Debian's tools, each run as a subprocess
//! with a time limit so that a bad file can never stall the worker: poppler's
//! `pdftotext` for PDFs with a text layer, and `tesseract` OCR (English) for
//! images and for PDFs without text (rendered to an image with `pdftoppm`
//! first). HEIC photos are converted with libheif's `heif-convert`.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::Command;

/// How long one tool may run on one document.
pub const TOOL_TIME_LIMIT: Duration = Duration::from_secs(120);

/// A PDF with less text than this is treated as a scan and read by OCR.
const TEXT_LAYER_MIN_CHARS: usize = 20;

/// The text of the file at `path`, whose media type is `content_type`, or
/// why it could not be read, in words for people.
pub async fn read_text(path: &Path, content_type: &str) -> Result<String, String> {
    let scratch = tempfile::tempdir().map_err(|error| format!("no scratch folder: {error}"))?;
    match content_type {
        "application/pdf" => {
            let text = run(
                "pdftotext",
                &[
                    arg(path),
                    "-layout".into(),
                    "-enc".into(),
                    "UTF-8".into(),
                    "-".into(),
                ],
            )
            .await
            .map_err(|error| format!("The PDF could not be read: {error}"))?;
            if text.trim().chars().count() >= TEXT_LAYER_MIN_CHARS {
                return Ok(text);
            }
            let prefix = scratch.path().join("page");
            run(
                "pdftoppm",
                &[
                    "-r".into(),
                    "300".into(),
                    "-png".into(),
                    "-f".into(),
                    "1".into(),
                    "-l".into(),
                    "1".into(),
                    "-singlefile".into(),
                    arg(path),
                    arg(&prefix),
                ],
            )
            .await
            .map_err(|error| format!("The PDF could not be rendered for OCR: {error}"))?;
            ocr(&prefix.with_extension("png")).await
        }
        "image/heic" => {
            let converted = scratch.path().join("photo.png");
            run("heif-convert", &[arg(path), arg(&converted)])
                .await
                .map_err(|error| format!("The HEIC photo could not be converted: {error}"))?;
            ocr(&converted).await
        }
        "image/png" | "image/jpeg" | "image/tiff" => ocr(path).await,
        other => Err(format!("Files of type {other} cannot be read.")),
    }
}

async fn ocr(image: &Path) -> Result<String, String> {
    run_with(
        "tesseract",
        &[
            arg(image),
            "-".into(),
            "-l".into(),
            "eng".into(),
            // One uniform block of text: receipts are a single column, and
            // this keeps a right-hand amount with its line.
            "--psm".into(),
            "6".into(),
        ],
        // tesseract's OpenMP threads spin while they wait for a core; on a
        // busy machine that makes one page take many times longer than on a
        // single thread. Parallelism comes from `--extract-workers` instead.
        &[("OMP_THREAD_LIMIT", "1")],
    )
    .await
    .map_err(|error| format!("The image could not be read: {error}"))
}

fn arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Runs `program` with `args`, answering its standard output, or why not.
async fn run(program: &str, args: &[String]) -> Result<String, String> {
    run_with(program, args, &[]).await
}

/// [`run`], with these environment variables set for the program.
async fn run_with(
    program: &str,
    args: &[String],
    env: &[(&str, &str)],
) -> Result<String, String> {
    let child = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // A timed-out tool is killed rather than left running.
        .kill_on_drop(true)
        .spawn()
        .map_err(|error| format!("{program} could not be started ({error}); is it installed?"))?;
    let output = tokio::time::timeout(TOOL_TIME_LIMIT, child.wait_with_output())
        .await
        .map_err(|_| {
            format!(
                "{program} took longer than {} seconds",
                TOOL_TIME_LIMIT.as_secs()
            )
        })?
        .map_err(|error| format!("{program} failed: {error}"))?;
    if !output.status.success() {
        let detail = String::from_utf8_lossy(&output.stderr);
        let detail = detail.lines().last().unwrap_or("").trim();
        return Err(format!("{program} said: {detail}"));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
