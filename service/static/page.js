// The analyst's page: submit a summarize job, follow its event stream, render the brief.
// Every article and model text goes into the page as text (textContent / text nodes);
// nothing from the article or the model is ever parsed as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const LANG_NAMES = { en: "English", ru: "Russian", kk: "Kazakh", zh: "Chinese" };
let currentJob = null;
let events = null;
let htmlField = null; // whether SummarizeRequest has text_format (read from /openapi.json)

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = false;
}

async function apiError(response) {
  // The API's own message from its error envelope, else the status line.
  try {
    const body = await response.json();
    if (body && body.error && body.error.message) return body.error.message;
  } catch (_) { /* not JSON */ }
  return `HTTP ${response.status} ${response.statusText}`;
}

async function supportsHtml() {
  if (htmlField === null) {
    try {
      const spec = await (await fetch("/openapi.json")).json();
      const props = spec.components.schemas.SummarizeRequest.properties;
      htmlField = Object.prototype.hasOwnProperty.call(props, "text_format");
    } catch (_) {
      htmlField = false;
    }
  }
  return htmlField;
}

function htmlToText(html) {
  // DOMParser documents are inert: scripts in them never run, nothing is fetched.
  const doc = new DOMParser().parseFromString(html, "text/html");
  doc.querySelectorAll("script, style, noscript, template").forEach((n) => n.remove());
  const title = doc.querySelector("title");
  const text = (doc.body ? doc.body.innerText || doc.body.textContent : "") || "";
  return { text: text.replace(/\n{3,}/g, "\n\n").trim(), title: title ? title.textContent.trim() : "" };
}

let pendingHtml = null; // raw HTML of a dropped .html file, sent as is when the API takes it

async function loadFile(file) {
  const raw = await file.text();
  const isHtml = /\.html?$/i.test(file.name) || file.type === "text/html";
  pendingHtml = null;
  if (isHtml) {
    const { text, title } = htmlToText(raw);
    $("article").value = text;
    if (title && !$("title").value) $("title").value = title;
    if (await supportsHtml()) {
      pendingHtml = raw; // sent as HTML: the server extracts the article and its offsets
      $("file-note").textContent = `${file.name}: HTML, the server extracts the article`;
    } else {
      $("file-note").textContent = `${file.name}: text taken from the HTML`;
    }
  } else {
    $("article").value = raw;
    $("file-note").textContent = file.name;
  }
}

function setRunning(running) {
  $("run").disabled = running;
  $("cancel").hidden = !running;
}

function showStages(job) {
  $("status").hidden = false;
  $("stage").textContent = `${job.status}: ${job.progress.stage}`;
  const list = $("stages");
  clear(list);
  job.progress.stages.forEach((stage, i) => {
    const item = el("li", stage);
    if (i < job.progress.stages.length - 1) item.className = "done";
    list.appendChild(item);
  });
}

async function submit(event) {
  event.preventDefault();
  $("error").hidden = true;
  $("result").hidden = true;
  const request = {
    text: $("article").value,
    target_langs: [...document.querySelectorAll("input[name=lang]:checked")].map((c) => c.value),
  };
  if ($("title").value.trim()) request.title = $("title").value.trim();
  if (pendingHtml !== null) {
    request.text = pendingHtml;
    request.text_format = "html";
  }
  setRunning(true);
  let response;
  try {
    response = await fetch("/jobs", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ kind: "summarize", request }),
    });
  } catch (err) {
    setRunning(false);
    showError(`The service did not answer: ${err}`);
    return;
  }
  if (response.status !== 202) {
    setRunning(false);
    showError(await apiError(response));
    return;
  }
  const job = await response.json();
  currentJob = job.id;
  showStages(job);
  follow(job.id, request);
}

function follow(id, request) {
  if (events) events.close();
  events = new EventSource(`/jobs/${encodeURIComponent(id)}/events`);
  events.addEventListener("progress", (e) => showStages(JSON.parse(e.data)));
  const final = (e) => {
    events.close();
    events = null;
    setRunning(false);
    const job = JSON.parse(e.data);
    showStages(job);
    if (job.status === "done") render(job.result, request);
    else if (job.status === "failed") showError(job.error ? job.error.message : "The job failed.");
    else showError("The job was cancelled.");
  };
  ["done", "failed", "cancelled"].forEach((name) => events.addEventListener(name, final));
  events.onerror = () => {
    // EventSource reconnects by itself; say so only if the stream is closed for good.
    if (events && events.readyState === EventSource.CLOSED) {
      setRunning(false);
      showError("Lost the progress stream; the job may still be running.");
    }
  };
}

async function cancel() {
  if (!currentJob) return;
  const response = await fetch(`/jobs/${encodeURIComponent(currentJob)}`, { method: "DELETE" });
  if (!response.ok) showError(await apiError(response));
}

function render(result, request) {
  // The text the offsets refer to: the server's extracted text for HTML input, else ours.
  const article = typeof result.text === "string" ? result.text : request.text;
  $("headline").textContent = result.headline;
  $("summary").textContent = result.summary;
  $("meta").textContent =
    `${result.engine} engine · source ${result.source_lang} · ${Math.round(result.timings_ms.total)} ms`;
  renderPoints(result.key_points);
  renderArticle(article, result.key_points);
  renderFigures(result.figures);
  const d = result.dateline;
  $("dateline").textContent = d ? [d.date, d.place, d.agency].filter(Boolean).join(" · ") || d.text : "none found";
  const warnings = $("warnings");
  clear(warnings);
  result.warnings.forEach((w) => warnings.appendChild(el("li", w)));
  renderTranslations(result);
  $("result").hidden = false;
}

function renderPoints(points) {
  const list = $("points");
  clear(list);
  points.forEach((point, i) => {
    const item = el("li");
    item.dataset.point = String(i);
    item.appendChild(el("span", point.type, `badge ${point.type}`));
    item.appendChild(document.createTextNode(point.text));
    if (point.actor || point.target) {
      item.appendChild(el("span", `${point.actor || "?"} -> ${point.target || "?"}`, "parties"));
    }
    item.addEventListener("click", () => selectPoint(i));
    list.appendChild(item);
  });
}

function renderArticle(text, points) {
  // Cut the text at every evidence boundary; each piece lists the points it supports.
  const cuts = new Set([0, text.length]);
  points.forEach((p) => p.evidence.forEach((s) => { cuts.add(s.start); cuts.add(s.end); }));
  const sorted = [...cuts].filter((c) => c >= 0 && c <= text.length).sort((a, b) => a - b);
  const view = $("article-view");
  clear(view);
  for (let k = 0; k + 1 < sorted.length; k++) {
    const [start, end] = [sorted[k], sorted[k + 1]];
    const owners = [];
    points.forEach((p, i) => {
      if (p.evidence.some((s) => s.start <= start && end <= s.end)) owners.push(i);
    });
    const piece = text.slice(start, end);
    if (owners.length === 0) {
      view.appendChild(document.createTextNode(piece));
    } else {
      const mark = el("mark", piece);
      mark.dataset.points = owners.join(" ");
      view.appendChild(mark);
    }
  }
}

function selectPoint(i) {
  document.querySelectorAll("#points li").forEach((li) => li.classList.toggle("selected", li.dataset.point === String(i)));
  let first = null;
  document.querySelectorAll("#article-view mark").forEach((mark) => {
    const on = mark.dataset.points.split(" ").includes(String(i));
    mark.classList.toggle("active", on);
    if (on && !first) first = mark;
  });
  if (first) first.scrollIntoView({ block: "center" });
}

function renderFigures(figures) {
  const list = $("figures");
  clear(list);
  if (figures.length === 0) list.appendChild(el("li", "none found", "muted"));
  figures.forEach((f) => list.appendChild(el("li", `${f.text} (${f.kind}${f.value !== null ? `, ${f.value}` : ""})`)));
}

function column(lang, headline, summary, points) {
  const col = el("div");
  col.dataset.lang = lang;
  col.appendChild(el("h3", `${LANG_NAMES[lang] || lang} (${lang})`));
  col.appendChild(el("strong", headline));
  col.appendChild(el("p", summary));
  const list = el("ol");
  points.forEach((p) => list.appendChild(el("li", p)));
  col.appendChild(list);
  return col;
}

function renderTranslations(result) {
  const box = $("translations");
  clear(box);
  const langs = Object.keys(result.translations);
  $("translations").parentElement.hidden = langs.length === 0;
  if (langs.length === 0) return;
  box.appendChild(column(result.source_lang, result.headline, result.summary, result.key_points.map((p) => p.text)));
  langs.forEach((lang) => {
    const t = result.translations[lang];
    box.appendChild(column(lang, t.headline, t.summary, t.key_points));
  });
}

function setUpDrop() {
  const area = $("article");
  area.addEventListener("dragover", (e) => { e.preventDefault(); area.classList.add("drag"); });
  area.addEventListener("dragleave", () => area.classList.remove("drag"));
  area.addEventListener("drop", (e) => {
    e.preventDefault();
    area.classList.remove("drag");
    if (e.dataTransfer.files.length) loadFile(e.dataTransfer.files[0]);
  });
  area.addEventListener("input", () => { pendingHtml = null; $("file-note").textContent = ""; });
  $("file").addEventListener("change", (e) => { if (e.target.files.length) loadFile(e.target.files[0]); });
}

document.addEventListener("DOMContentLoaded", () => {
  $("brief-form").addEventListener("submit", submit);
  $("cancel").addEventListener("click", cancel);
  setUpDrop();
});
