// Quarry web UI: course Q&A over a text collection and search by example
// image over an image collection, on Quarry's JSON API. Plain JavaScript, no
// build step. Server data only ever reaches the page through textContent,
// attributes and createElement, never through innerHTML.
"use strict";

const CURRENCY = "¥";
const HEALTH_INTERVAL_MS = 30000;

const $ = (selector) => document.querySelector(selector);

/** A new element: `props` are element properties (className, title, …), `children` nodes or strings. */
function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

const formatScore = (score) => (typeof score === "number" ? score.toFixed(3) : "–");
const formatPrice = (price) =>
  `${CURRENCY} ${price.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const formatCount = (n) => n.toLocaleString("en-US");
const plural = (n, word) => `${formatCount(n)} ${word}${n === 1 ? "" : "s"}`;

// MARK: API

/** A failed request: the server's `{"error": {"code", "message"}}`, or a network failure (status 0). */
class ApiError extends Error {
  constructor(message, status = 0, code = "") {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Fetches `path` and returns its JSON body; throws ApiError with a readable message otherwise. */
async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, { headers: { Accept: "application/json" }, ...options });
  } catch (error) {
    throw new ApiError(`Cannot reach the server (${error.message}).`);
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const detail = body && typeof body === "object" ? body.error : null;
    const message = detail && typeof detail.message === "string"
      ? detail.message
      : `The server answered ${response.status} ${response.statusText}`.trim() + ".";
    throw new ApiError(message, response.status, detail && typeof detail.code === "string" ? detail.code : "");
  }
  if (body === null || typeof body !== "object") {
    throw new ApiError("The server sent an answer that is not JSON.", response.status);
  }
  return body;
}

const collectionPath = (name) => `/v1/collections/${encodeURIComponent(name)}`;

// MARK: Error banner

const errorBanner = {
  show(title, error) {
    $("#error-title").textContent = title;
    $("#error-message").textContent = error.message;
    const detail = error.status ? `HTTP ${error.status}${error.code ? ` · ${error.code}` : ""}` : "";
    $("#error-detail").textContent = detail;
    $("#error").hidden = false;
  },
  clear() {
    $("#error").hidden = true;
  },
};

// MARK: Highlighting

/**
 * `text` as a fragment with the server's `highlights` (offsets in Unicode code points): the
 * question's terms in <mark>, the best-matching sentence in <span class="answer">. Markdown
 * bold markers are dropped from the display.
 */
function highlighted(text, highlights) {
  const points = Array.from(text);
  const state = new Uint8Array(points.length);
  const sentence = highlights && highlights.sentence;
  if (sentence) state.fill(2, sentence.start, sentence.end);
  for (const term of (highlights && highlights.terms) || []) {
    for (let i = term.start; i < term.end && i < points.length; i++) state[i] |= 1;
  }
  const fragment = document.createDocumentFragment();
  for (let start = 0; start < points.length;) {
    let end = start;
    while (end < points.length && state[end] === state[start]) end++;
    const piece = points.slice(start, end).join("").replace(/\*\*/g, "");
    const content = state[start] & 1 ? el("mark", { textContent: piece }) : piece;
    fragment.append(state[start] & 2 ? el("span", { className: "answer" }, content) : content);
    start = end;
  }
  return fragment;
}

// MARK: Collections and status

/** Fills `select` with the collections' names, keeping the current choice when it still exists. */
function fillCollections(select, collections, emptyLabel) {
  const previous = select.value;
  select.replaceChildren(...collections.map((c) => el("option", { value: c.name, textContent: c.name })));
  if (collections.length === 0) select.append(el("option", { value: "", textContent: emptyLabel }));
  select.disabled = collections.length === 0;
  if (collections.some((c) => c.name === previous)) select.value = previous;
}

async function loadCollections() {
  try {
    const { collections = [] } = await api("/v1/collections");
    fillCollections($("#text-collection"), collections.filter((c) => c.kind !== "image"), "No text collections");
    fillCollections($("#image-collection"), collections.filter((c) => c.kind === "image"), "No image collections");
    await loadCategories();
  } catch (error) {
    errorBanner.show("Could not load the collections:", error);
  }
}

/** Fills the category filter from the chosen image collection's details. */
async function loadCategories() {
  const select = $("#image-category");
  const name = $("#image-collection").value;
  select.replaceChildren(el("option", { value: "", textContent: "All categories" }));
  if (!name) return;
  try {
    const details = await api(collectionPath(name));
    for (const category of details.categories || []) {
      const label = typeof category.count === "number" ? `${category.name} (${formatCount(category.count)})` : category.name;
      select.append(el("option", { value: category.name, textContent: label }));
    }
  } catch (error) {
    errorBanner.show(`Could not load the categories of ${name}:`, error);
  }
}

async function refreshHealth() {
  const status = $("#status");
  try {
    const health = await api("/health");
    const parts = [health.status || "unknown"];
    for (const c of health.collections || []) parts.push(`${c.name} ${plural(c.vectors, "vector")}`);
    status.textContent = parts.join(" · ");
    status.className = `status ${health.status === "ok" ? "status-ok" : "status-bad"}`;
    $("#version").textContent = [health.version && `Quarry ${health.version}`, health.faiss && `FAISS ${health.faiss}`]
      .filter(Boolean).join(" · ");
  } catch (error) {
    status.textContent = `server unreachable: ${error.message}`;
    status.className = "status status-bad";
  }
}

// MARK: Tabs

function showView(name) {
  for (const view of ["text", "image"]) {
    const active = view === name;
    $(`#tab-${view}`).setAttribute("aria-selected", String(active));
    $(`#view-${view}`).hidden = !active;
  }
  errorBanner.clear();
  history.replaceState(null, "", name === "image" ? "#image" : "#text");
}

/** Marks a results area busy (or not) and its submit button with it. */
function setBusy(results, button, busy) {
  results.dataset.state = busy ? "loading" : results.dataset.state;
  results.setAttribute("aria-busy", String(busy));
  button.disabled = busy;
  button.textContent = busy ? "Searching…" : "Search";
}

/** Reads a number input: its value, or undefined when empty or not a number. */
function numberValue(input) {
  const value = input.valueAsNumber;
  return Number.isFinite(value) ? value : undefined;
}

// MARK: Course Q&A

let textSequence = 0;

function textCard(result) {
  const chapter = result.chapter ? result.chapter.split(" > ").join(" › ") : "";
  return el("article", { className: "result" },
    el("header", { className: "result-head" },
      el("span", { className: "rank", textContent: `#${result.rank}` }),
      el("span", { className: "source", textContent: result.source }),
      chapter && el("span", { className: "chapter", textContent: chapter, title: chapter }),
      result.page !== null && result.page !== undefined && el("span", { className: "page", textContent: `p. ${result.page}` }),
      el("span", { className: "score", textContent: formatScore(result.score), title: "score" })),
    el("p", { className: "text" }, highlighted(result.text || "", result.highlights)));
}

async function searchText(event) {
  event.preventDefault();
  errorBanner.clear();
  const results = $("#text-results");
  const button = $("#text-submit");
  const name = $("#text-collection").value;
  const query = $("#question").value;
  const body = { query, top_k: numberValue($("#text-top-k")), mode: $("#text-mode").value };
  const sequence = ++textSequence;
  setBusy(results, button, true);
  try {
    if (!name) throw new ApiError("There is no text collection to search.");
    const answer = await api(`${collectionPath(name)}/search`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    if (sequence !== textSequence) return;
    const cards = (answer.results || []).map(textCard);
    results.replaceChildren(...(cards.length ? cards : [el("p", { className: "placeholder", textContent: "No passage matches." })]));
    $("#text-meta").textContent = [
      plural(cards.length, "result"), `${Number(answer.took_ms || 0).toFixed(1)} ms`, answer.mode,
      answer.degraded ? "degraded: keyword results only" : "",
    ].filter(Boolean).join(" · ");
    results.dataset.state = "done";
  } catch (error) {
    if (sequence !== textSequence) return;
    results.dataset.state = "error";
    $("#text-meta").textContent = "";
    errorBanner.show("Search failed:", error);
  } finally {
    if (sequence === textSequence) setBusy(results, button, false);
  }
}

// MARK: Image search

/** The query image: `{kind: "file", file, url}` or `{kind: "item", id, imageURL, title}`. */
let imageQuery = null;
let imageSequence = 0;

function setPreview(url, caption) {
  const preview = $("#image-preview");
  preview.hidden = false;
  preview.src = url;
  $("#drop-hint").hidden = true;
  $("#drop-zone").classList.add("has-image");
  $("#preview-caption").textContent = caption;
  $("#image-submit").disabled = false;
}

/** Uses `file` (picked, dropped or pasted) as the query image and searches with it. */
function useFile(file) {
  if (!file) return;
  if (file.type && !file.type.startsWith("image/")) {
    errorBanner.show("Not an image:", new ApiError(`${file.name || "the file"} is ${file.type}; choose a JPEG, PNG or WebP image.`));
    return;
  }
  if (imageQuery && imageQuery.kind === "file") URL.revokeObjectURL(imageQuery.url);
  imageQuery = { kind: "file", file, url: URL.createObjectURL(file) };
  setPreview(imageQuery.url, `${file.name || "pasted image"} · ${Math.max(1, Math.round(file.size / 1024))} KB`);
  searchImage();
}

/** "More like this": the clicked result becomes the query. */
function useItem(result) {
  if (imageQuery && imageQuery.kind === "file") URL.revokeObjectURL(imageQuery.url);
  imageQuery = { kind: "item", id: result.id, imageURL: result.image_url || result.thumbnail_url, title: result.title };
  setPreview(imageQuery.imageURL, `More like #${result.id}${result.title ? ` · ${result.title}` : ""}`);
  searchImage();
}

/** The request for the current query: an upload, or the similar items of a stored one. */
function imageRequest(name) {
  const params = new URLSearchParams();
  const topK = numberValue($("#image-top-k"));
  if (topK !== undefined) params.set("top_k", String(topK));
  const category = $("#image-category").value;
  if (category) params.set("category", category);
  const priceMin = numberValue($("#price-min"));
  if (priceMin !== undefined) params.set("price_min", String(priceMin));
  const priceMax = numberValue($("#price-max"));
  if (priceMax !== undefined) params.set("price_max", String(priceMax));
  if (imageQuery.kind === "item") {
    return { path: `${collectionPath(name)}/items/${encodeURIComponent(imageQuery.id)}/similar?${params}`, options: {} };
  }
  const form = new FormData();
  form.append("image", imageQuery.file, imageQuery.file.name || "pasted.png");
  return { path: `${collectionPath(name)}/search/image?${params}`, options: { method: "POST", body: form } };
}

function imageCard(result) {
  const thumbnail = el("img", { className: "thumb", src: result.thumbnail_url || result.image_url || "", alt: result.title || "", loading: "lazy" });
  // Tiny images (Fashion-MNIST is 28×28) stay crisp when scaled up.
  thumbnail.addEventListener("load", () => thumbnail.classList.toggle("pixelated", thumbnail.naturalWidth < 96));
  const card = el("button", { type: "button", className: "result", title: "More like this" },
    el("span", { className: "thumb-frame" }, thumbnail),
    el("span", { className: "title", textContent: result.title || `#${result.id}`, title: result.title || "" }),
    el("span", { className: "category", textContent: result.category || "" }),
    el("span", { className: "card-meta" },
      el("span", { className: "price", textContent: typeof result.price === "number" ? formatPrice(result.price) : "" }),
      el("span", { className: "score", textContent: formatScore(result.score), title: "score" })));
  card.dataset.id = String(result.id);
  card.addEventListener("click", () => useItem(result));
  return card;
}

async function searchImage(event) {
  if (event) event.preventDefault();
  errorBanner.clear();
  const results = $("#image-results");
  const button = $("#image-submit");
  const name = $("#image-collection").value;
  if (!imageQuery) {
    errorBanner.show("No image yet:", new ApiError("drop, paste or choose an image first."));
    return;
  }
  const query = imageQuery;
  const sequence = ++imageSequence;
  setBusy(results, button, true);
  try {
    if (!name) throw new ApiError("There is no image collection to search.");
    const { path, options } = imageRequest(name);
    const answer = await api(path, options);
    if (sequence !== imageSequence) return;
    const cards = (answer.results || []).map(imageCard);
    results.replaceChildren(...(cards.length ? cards : [el("p", { className: "placeholder", textContent: "No item matches these filters." })]));
    results.dataset.query = query.kind === "item" ? `item:${query.id}` : "upload";
    $("#image-meta").textContent = [
      query.kind === "item" ? `More like #${query.id}` : "",
      plural(cards.length, "result"), `${Number(answer.took_ms || 0).toFixed(1)} ms`,
      typeof answer.nprobe === "number" ? `nprobe ${answer.nprobe}` : "",
    ].filter(Boolean).join(" · ");
    results.dataset.state = "done";
  } catch (error) {
    if (sequence !== imageSequence) return;
    results.dataset.state = "error";
    $("#image-meta").textContent = "";
    errorBanner.show("Image search failed:", error);
  } finally {
    if (sequence === imageSequence) setBusy(results, button, false);
  }
}

/** Another image collection: new categories; an uploaded query runs again, a stored item no longer applies. */
async function changeImageCollection() {
  await loadCategories();
  if (imageQuery && imageQuery.kind === "file") {
    searchImage();
  } else if (imageQuery) {
    imageQuery = null;
    $("#image-preview").hidden = true;
    $("#drop-hint").hidden = false;
    $("#drop-zone").classList.remove("has-image");
    $("#preview-caption").textContent = "";
    $("#image-submit").disabled = true;
    $("#image-results").replaceChildren();
    $("#image-meta").textContent = "";
  }
}

function setUpImageInput() {
  const zone = $("#drop-zone");
  const input = $("#image-file");
  zone.addEventListener("click", () => input.click());
  zone.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      input.click();
    }
  });
  input.addEventListener("click", (event) => event.stopPropagation());
  input.addEventListener("change", () => {
    useFile(input.files[0]);
    input.value = "";
  });
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    useFile(event.dataTransfer.files[0]);
  });
  // A file dropped beside the zone must not navigate away from the page.
  for (const type of ["dragover", "drop"]) window.addEventListener(type, (event) => event.preventDefault());
  document.addEventListener("paste", (event) => {
    if ($("#view-image").hidden || !event.clipboardData) return;
    const item = Array.from(event.clipboardData.items).find((i) => i.kind === "file" && i.type.startsWith("image/"));
    if (!item) return;
    event.preventDefault();
    useFile(item.getAsFile());
  });
  const preview = $("#image-preview");
  preview.addEventListener("load", () => preview.classList.toggle("pixelated", preview.naturalWidth < 96));
  preview.addEventListener("error", () => {
    if (imageQuery && imageQuery.kind === "file") $("#preview-caption").textContent += " · no preview";
  });
}

// MARK: Start

function start() {
  $("#tab-text").addEventListener("click", () => showView("text"));
  $("#tab-image").addEventListener("click", () => showView("image"));
  $("#error-close").addEventListener("click", () => errorBanner.clear());
  $("#text-form").addEventListener("submit", searchText);
  $("#image-form").addEventListener("submit", searchImage);
  $("#image-collection").addEventListener("change", changeImageCollection);
  $("#image-category").addEventListener("change", () => imageQuery && searchImage());
  setUpImageInput();
  showView(location.hash === "#image" ? "image" : "text");
  loadCollections();
  refreshHealth();
  setInterval(refreshHealth, HEALTH_INTERVAL_MS);
}

start();
