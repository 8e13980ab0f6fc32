/* 在线填报：自动保存、本机暂存、行内校验、佐证材料上传、企业库数值、并发合并。 */
(function () {
  "use strict";
  const form = document.getElementById("filing-form");
  if (!form) return;
  const pk = form.dataset.filing;
  const storeKey = "clusterhub-filing-" + pk;
  const revInput = document.getElementById("revision-input");
  const submitForm = document.getElementById("submit-form");
  const submitRev = document.getElementById("submit-revision");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const AUTOSAVE_MS = 1000;
  let timer = null, retryTimer = null, inFlight = null, dirty = false, editSeq = 0;
  let conflictOpen = !!document.getElementById("conflict-panel");

  // —— status line (left column and the sticky bar) ——
  function setStatus(text, cls) {
    document.querySelectorAll(".save-status").forEach((el) => {
      el.textContent = text;
      Array.from(el.classList).filter((c) => c.startsWith("text-")).forEach((c) => el.classList.remove(c));
      el.classList.add(cls || "text-muted");
    });
  }

  // —— local stash: nothing typed is lost on a failed request or a closed tab ——
  function formPairs() {
    const pairs = [];
    for (const [k, v] of new FormData(form).entries()) if (typeof v === "string") pairs.push([k, v]);
    return pairs;
  }

  function stash() {
    try {
      localStorage.setItem(storeKey, JSON.stringify({ revision: revInput.value, pairs: formPairs(), at: Date.now() }));
    } catch (e) { /* storage full or disabled: the server copy still counts */ }
  }

  function unstash() {
    try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
  }

  function inputsNamed(name) {
    return Array.from(form.elements).filter((el) => el.name === name);
  }

  function applyPairs(prefixes, pairs) {
    // Reset the inputs of the given prefixes, then set values from pairs.
    const within = (name) => prefixes.some((p) => name === p || name.startsWith(p + ":"));
    Array.from(form.elements).filter((el) => el.name && within(el.name)).forEach((el) => {
      if (el.type === "checkbox" || el.type === "radio") el.checked = false;
      else if (el.type !== "hidden" && el.type !== "file") el.value = "";
    });
    for (const [name, value] of pairs) {
      if (!within(name)) continue;
      let matched = inputsNamed(name);
      if (!matched.length) {
        const m = name.match(/^(v:[a-z0-9_]+):(rows|added):(\d+):/);
        if (m) { ensureRow(m[1], m[2], parseInt(m[3], 10)); matched = inputsNamed(name); }
      }
      const values = Array.isArray(value) ? value.map(String) : [String(value)];
      matched.forEach((el) => {
        if (el.type === "checkbox" || el.type === "radio") el.checked = value === true || values.includes(el.value);
        else el.value = Array.isArray(value) ? (values[0] || "") : (value === true ? "1" : value === false ? "" : String(value));
      });
    }
    refreshDecor();
  }

  function restore() {
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { saved = null; }
    if (!saved || !Array.isArray(saved.pairs)) return;
    const keep = ([k]) => k.startsWith("v:") || k.startsWith("x:") || k.startsWith("o:");
    if (JSON.stringify(formPairs().filter(keep)) === JSON.stringify(saved.pairs.filter(keep))) { unstash(); return; }
    const prefixes = Array.from(form.querySelectorAll("input[name^='f:']")).map((el) => "v:" + el.name.slice(2));
    applyPairs(prefixes, saved.pairs);
    saved.pairs.filter(([k]) => k.startsWith("x:") || k.startsWith("o:")).forEach(([k, v]) => {
      const el = form.querySelector(`[name="${CSS.escape(k)}"]`);
      if (el) el.value = v;
    });
    revInput.value = saved.revision;
    setStatus("已恢复本机暂存的未保存内容，正在保存…", "text-info");
    dirty = true; editSeq += 1;
    schedule(200);
  }

  // —— autosave ——
  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(() => { save(); }, ms === undefined ? AUTOSAVE_MS : ms);
  }

  function markChanged() {
    dirty = true; editSeq += 1; stash();
    setStatus("有未保存的修改…", "text-warning-emphasis");
    if (!conflictOpen) schedule();
  }

  function warningBox(issue) {
    const d = document.createElement("div");
    d.className = "warning-box"; d.dataset.code = issue.code;
    const icon = document.createElement("i"); icon.className = "bi bi-exclamation-triangle";
    const msg = document.createElement("span"); msg.className = "msg"; msg.textContent = " " + issue.message;
    const t = document.createElement("textarea");
    t.className = "form-control form-control-sm mt-1 explain-input";
    t.name = "x:" + issue.code; t.rows = 2; t.maxLength = 500;
    t.placeholder = "请填写说明（警示需书面说明后方可提交）";
    t.setAttribute("aria-label", "警示说明：" + issue.message);
    d.append(icon, msg, t);
    return d;
  }

  // Update the inline messages. Warning boxes whose code is still reported are kept in place,
  // so an explanation being typed keeps its text and its focus.
  function renderIssues(issues, onlyFields) {
    const byField = {};
    issues.forEach((i) => { (byField[i.field] = byField[i.field] || []).push(i); });
    form.querySelectorAll(".filing-field").forEach((box) => {
      const key = box.dataset.field;
      if (onlyFields && !onlyFields.has(key)) return;
      const slot = box.querySelector(".field-issues");
      const list = byField[key] || [];
      const errors = list.filter((i) => i.severity === "error");
      const warnings = list.filter((i) => i.severity !== "error");
      const wanted = new Set(warnings.map((i) => i.code));
      slot.querySelectorAll(".invalid-feedback").forEach((el) => el.remove());
      slot.querySelectorAll(".warning-box").forEach((el) => { if (!wanted.has(el.dataset.code)) el.remove(); });
      const first = slot.firstChild;
      errors.forEach((i) => {
        const d = document.createElement("div");
        d.className = "invalid-feedback d-block"; d.dataset.code = i.code; d.textContent = i.message;
        slot.insertBefore(d, first);
      });
      warnings.forEach((i) => {
        const kept = slot.querySelector(`.warning-box[data-code="${CSS.escape(i.code)}"]`);
        if (kept) { const msg = kept.querySelector(".msg"); if (msg) msg.textContent = " " + i.message; }
        else slot.appendChild(warningBox(i));
      });
      box.classList.toggle("has-error", errors.length > 0);
      markInvalid(box, errors.map((i) => i.input).filter(Boolean));
    });
  }

  // Red outline on the very inputs an error is about (e.g. the 2024 cell of a year series).
  function markInvalid(box, names) {
    box.querySelectorAll(".is-invalid").forEach((el) => el.classList.remove("is-invalid"));
    names.forEach((name) => { inputsNamed(name).forEach((el) => el.classList.add("is-invalid")); });
  }

  function applySaved(data) {
    revInput.value = data.revision; submitRev.value = data.revision; form.dataset.revision = data.revision;
    document.querySelectorAll(".revision-no").forEach((el) => { el.textContent = data.revision; });
    const summary = document.getElementById("issue-summary");
    if (summary && data.summary_html) summary.outerHTML = data.summary_html;
    const check = document.getElementById("selfcheck");
    if (check && data.selfcheck_html) check.outerHTML = data.selfcheck_html;
    Object.entries(data.computed || {}).forEach(([key, html]) => {
      const slot = form.querySelector(`.filing-field[data-field="${key}"] .computed-slot`);
      if (slot) slot.innerHTML = html;
    });
    Object.entries(data.progress || {}).forEach(([key, p]) => {
      document.querySelectorAll(`.progress-mark[data-section="${key}"]`).forEach((el) => {
        el.className = "progress-mark " + (p.done ? "form-section-done" : "form-section-todo");
        el.innerHTML = p.done ? '<i class="bi bi-check-circle-fill" aria-label="已完成"></i>' : `${p.filled}/${p.total}`;
      });
    });
    renderIssues(data.issues || []);
    const err = document.getElementById("save-error"); if (err) err.remove();
  }

  async function readJson(resp) {
    const type = resp.headers.get("Content-Type") || "";
    if (!type.includes("application/json")) return null;
    try { return await resp.json(); } catch (e) { return null; }
  }

  function save() {
    if (inFlight) { schedule(300); return inFlight; }
    if (!dirty) return Promise.resolve();
    clearTimeout(timer); clearTimeout(retryTimer);
    inFlight = doSave().finally(() => { inFlight = null; });
    return inFlight;
  }

  async function doSave() {
    const seq = editSeq;
    const body = new FormData(form);
    setStatus("正在保存…");
    let resp;
    try {
      resp = await fetch(form.action, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" },
      });
    } catch (e) {
      setStatus("网络异常，未能保存。内容已暂存在本机浏览器，5 秒后自动重试。", "text-danger");
      retryTimer = setTimeout(() => { save(); }, 5000);
      return;
    }
    const data = await readJson(resp);
    if (!data) {
      if (resp.redirected && resp.url.includes("/accounts/login")) {
        setStatus("登录已过期，未能保存。内容已暂存在本机浏览器：请在新窗口重新登录后刷新本页。", "text-danger");
      } else if (resp.status >= 500) {
        setStatus(`服务器暂时无法保存（错误 ${resp.status}）。内容已暂存在本机浏览器，30 秒后自动重试。`, "text-danger");
        retryTimer = setTimeout(() => { save(); }, 30000);
      } else {
        setStatus(`保存未成功（错误 ${resp.status}）：您可能已无权修改此表单。内容已暂存在本机浏览器。`, "text-danger");
      }
      return;
    }
    if (resp.ok && data.ok) {
      applySaved(data);
      if (seq === editSeq) {
        dirty = false; unstash();
        setStatus(`第 ${data.revision} 版 · ${data.saved_at} 已保存`, "text-success");
      } else {
        stash(); schedule();
      }
    } else if (resp.status === 409 && data.conflict) {
      conflictOpen = true;
      const slot = document.getElementById("conflict-slot");
      slot.innerHTML = data.html;
      bindMerge();
      setStatus("保存被拒绝：其他人已修改此表单，请合并。您的内容已暂存在本机。", "text-danger");
      slot.scrollIntoView({ behavior: "smooth" });
    } else {
      const issues = data.issues || [];
      renderIssues(issues, new Set(issues.map((i) => i.field)));
      setStatus((data.message || "保存未成功") + "（您的内容已暂存在本机，改正后会自动保存）", "text-danger");
    }
  }

  // Wait until nothing is pending, saving what is left; true when everything is saved.
  async function flush() {
    for (let i = 0; i < 5; i += 1) {
      clearTimeout(timer);
      if (inFlight) { await inFlight; continue; }
      if (!dirty) return true;
      await save();
      if (!dirty) return true;
    }
    return !dirty;
  }

  // —— merge after a concurrent save ——
  function bindMerge() {
    const btn = document.getElementById("apply-merge");
    if (!btn) return;
    btn.addEventListener("click", () => {
      const mergeForm = document.getElementById("merge-form");
      mergeForm.querySelectorAll("tr[data-key]").forEach((tr) => {
        const key = tr.dataset.key;
        const pick = mergeForm.querySelector(`input[name="pick:${key}"]:checked`) || mergeForm.querySelector(`input[name="pick:${key}"]`);
        if (pick && pick.value === "theirs") {
          const theirs = JSON.parse(tr.querySelector(".theirs-inputs").textContent || "{}");
          applyPairs(["v:" + key], Object.entries(theirs));
        }
      });
      revInput.value = mergeForm.querySelector("input[name=revision]").value;
      const m = document.createElement("input"); m.type = "hidden"; m.name = "merge"; m.value = "1"; m.id = "merge-flag";
      form.appendChild(m);
      document.getElementById("conflict-panel").remove();
      conflictOpen = false; dirty = true; editSeq += 1; stash();
      save().then(() => { const f = document.getElementById("merge-flag"); if (f) f.remove(); });
    });
  }

  // —— added rows ——
  function ensureRow(prefix, kind, index) {
    const btn = form.querySelector(`button[data-prefix="${prefix}:${kind}:"]`);
    if (!btn) return;
    const tbody = btn.closest(".filing-field").querySelector("table tbody");
    const count = () => tbody.querySelectorAll(kind === "rows" ? "tr" : "tr.added-row").length;
    while (count() <= index) addRow(btn, index);
  }

  function addRow(btn) {
    const box = btn.closest(".filing-field");
    const tbody = box.querySelector("table tbody");
    if (btn.classList.contains("add-target-row")) {
      const rows = Array.from(tbody.querySelectorAll("tr.added-row"));
      const next = rows.reduce((m, tr) => Math.max(m, parseInt(tr.dataset.index, 10) + 1), 0);
      const html = box.querySelector("template.added-row-template").innerHTML.replaceAll("__i__", String(next));
      tbody.insertAdjacentHTML("beforeend", html);
      return tbody.lastElementChild;
    }
    const cols = btn.dataset.cols.split(",");
    const labels = (btn.dataset.labels || btn.dataset.cols).split(",");
    const i = tbody.querySelectorAll("tr").length;
    const tr = document.createElement("tr");
    const num = document.createElement("td"); num.textContent = String(i + 1); tr.appendChild(num);
    cols.forEach((c, ci) => {
      const td = document.createElement("td");
      const input = document.createElement("input");
      input.type = "text"; input.className = "form-control form-control-sm";
      input.name = `${btn.dataset.prefix}${i}:${c}`;
      input.setAttribute("aria-label", `第${i + 1}行 ${labels[ci] || c}`);
      td.appendChild(input); tr.appendChild(td);
    });
    tbody.appendChild(tr);
    return tr;
  }

  // —— enterprise-list figures (由企业库计算) ——
  function sameNumber(typed, computed) {
    const a = typed.trim().replaceAll(",", "");
    if (!/^[+-]?\d+(\.\d+)?$/.test(a)) return false;
    return Math.abs(parseFloat(a) - parseFloat(computed)) < 1e-9;
  }

  function refreshFigures() {
    form.querySelectorAll(".figures-box").forEach((box) => {
      let differs = false;
      box.querySelectorAll(".figure").forEach((fig) => {
        const el = form.elements.namedItem(fig.dataset.input);
        const typed = el && el.value !== undefined ? el.value : "";
        const d = typed.trim() !== "" && !sameNumber(typed, fig.dataset.computed);
        fig.classList.toggle("figure-differs", d);
        let mark = fig.querySelector(".differs-mark");
        if (d) {
          if (!mark) { mark = document.createElement("span"); mark.className = "differs-mark text-danger small ms-1"; fig.appendChild(mark); }
          mark.textContent = "≠ 申报 " + typed.trim();
        } else if (mark) mark.remove();
        differs = differs || d;
      });
      box.classList.toggle("differs", differs);
      const reason = box.querySelector(".override-reason");
      if (reason) reason.classList.toggle("d-none", !differs);
    });
  }

  function refreshDecor() {
    form.querySelectorAll("[data-max]").forEach((el) => {
      const counter = el.id ? form.querySelector(`.char-counter[data-for="${el.id}"]`) : null;
      if (!counter) return;
      const n = Array.from(el.value.trim()).length, max = parseInt(el.dataset.max, 10);
      counter.textContent = `${n} / ${max} 字`;
      counter.className = "small text-end char-counter " + (n > max ? "text-danger fw-bold" : "text-muted");
    });
    form.querySelectorAll(".other-text").forEach((el) => {
      const cb = el.closest(".filing-field").querySelector(`input.option-check[value="${CSS.escape(el.dataset.option)}"]`);
      el.classList.toggle("d-none", !(cb && cb.checked) && !el.value);
    });
    form.querySelectorAll(".evidence-for-option").forEach((slot) => {
      const box = slot.closest(".filing-field");
      const cb = box.querySelector(`input.option-check[value="${CSS.escape(slot.dataset.option)}"]`);
      slot.classList.toggle("d-none", !(cb && cb.checked));
    });
    refreshFigures();
  }

  function exclusiveNone(el) {
    // “无” and the options of a checkbox list exclude each other.
    const box = el.closest(".filing-field");
    if (!box || el.type !== "checkbox") return;
    if (el.classList.contains("none-check") && el.checked) {
      box.querySelectorAll("input.option-check:checked").forEach((cb) => { cb.checked = false; });
    } else if (el.classList.contains("option-check") && el.checked) {
      const none = box.querySelector("input.none-check"); if (none) none.checked = false;
    }
  }

  // —— events ——
  const isFile = (el) => el.type === "file";
  form.addEventListener("input", (e) => { if (!isFile(e.target)) { refreshDecor(); markChanged(); } });
  form.addEventListener("change", (e) => {
    const el = e.target;
    if (isFile(el)) { upload(el); return; }
    // Typed inputs were handled by their `input` events; `change` on leaving them is no new edit.
    if (el.tagName === "TEXTAREA" || ["text", "date", "number", "search"].includes(el.type)) return;
    exclusiveNone(el); refreshDecor(); markChanged();
  });
  form.addEventListener("submit", (e) => { e.preventDefault(); dirty = true; save(); });
  form.addEventListener("click", async (e) => {
    const t = e.target.closest("button");
    if (!t || !form.contains(t)) return;
    if (t.classList.contains("none-btn")) {
      const el = document.getElementById(t.dataset.target); el.value = "无"; refreshDecor(); markChanged();
    } else if (t.classList.contains("add-row") || t.classList.contains("add-target-row")) {
      const tr = addRow(t); const first = tr && tr.querySelector("input[type=text]"); if (first) first.focus();
    } else if (t.classList.contains("remove-added-row")) {
      t.closest("tr").remove(); markChanged();
    } else if (t.classList.contains("take-figures")) {
      const box = t.closest(".figures-box");
      Object.entries(JSON.parse(box.dataset.take || "{}")).forEach(([name, value]) => {
        const el = form.elements.namedItem(name); if (el) el.value = value;
      });
      const reason = box.querySelector("textarea[name^='o:']"); if (reason) reason.value = "";
      refreshDecor(); markChanged();
    } else if (t.classList.contains("evidence-delete")) {
      if (!confirm("确定删除该佐证材料？")) return;
      const slot = t.closest(".evidence-slot");
      const body = new FormData(); body.append("csrfmiddlewaretoken", csrf);
      try {
        const resp = await fetch(t.dataset.url, { method: "POST", body, headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
        const data = await readJson(resp);
        if (data && data.ok) slot.querySelector(".evidence-items").innerHTML = data.html;
        else slot.querySelector(".evidence-error").textContent = (data && data.message) || `删除未成功（错误 ${resp.status}）。`;
      } catch (err) { slot.querySelector(".evidence-error").textContent = "删除失败：网络异常，请重试。"; }
    }
  });

  async function upload(el) {
    if (!el.classList.contains("evidence-input") || !el.files.length) return;
    const slot = el.closest(".evidence-slot");
    const errBox = slot.querySelector(".evidence-error");
    errBox.className = "evidence-error small text-muted"; errBox.textContent = "正在上传…";
    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrf); body.append("field", el.dataset.field);
    body.append("option", el.dataset.option); body.append("file", el.files[0]);
    try {
      const resp = await fetch(form.dataset.evidenceUrl, { method: "POST", body, headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
      const data = await readJson(resp);
      if (data && data.ok) { slot.querySelector(".evidence-items").innerHTML = data.html; errBox.textContent = ""; }
      else { errBox.className = "evidence-error small text-danger"; errBox.textContent = (data && data.message) || `上传未成功（错误 ${resp.status}）。`; }
    } catch (err) {
      errBox.className = "evidence-error small text-danger"; errBox.textContent = "上传失败：网络异常，请重试。";
    }
    el.value = "";
  }

  window.addEventListener("beforeunload", (e) => { if (dirty) { stash(); e.preventDefault(); e.returnValue = ""; } });
  if (submitForm) {
    submitForm.addEventListener("submit", async (e) => {
      if (!dirty && !inFlight) return;
      e.preventDefault();
      setStatus("正在保存，保存完成后提交…");
      if (await flush()) submitForm.submit();
      else setStatus("有未能保存的修改，暂不能提交：请按提示改正后再提交。", "text-danger");
    });
  }
  form.querySelectorAll(".filing-field[data-invalid]").forEach((box) => {
    try { markInvalid(box, JSON.parse(box.dataset.invalid)); } catch (e) { /* ignore */ }
  });
  bindMerge();
  refreshDecor();
  restore();
})();
