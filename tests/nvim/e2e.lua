-- End-to-end check of the ssotlint language server in a real, headless Neovim.
--
--   SSOTLINT_BIN=target/debug/ssotlint SSOTLINT_FILE=/abs/file.py SSOTLINT_OUT=/abs/out \
--   nvim --headless -u NONE -i NONE --cmd "set rtp+=$PWD/editors/nvim" -c "luafile tests/nvim/e2e.lua"
--
-- Steps: setup the plugin with {SSOTLINT_BIN, "server"}; open SSOTLINT_FILE; wait for
-- ssotlint diagnostics and write them to SSOTLINT_OUT .. ".diags"; put the cursor on the
-- first one and apply the quickfix code action; wait for the buffer to change and write
-- its text to SSOTLINT_OUT; stop the server and write its exit status to
-- SSOTLINT_OUT .. ".exit"; quit with exit code 0.
-- On any failure: a message starting with "ssotlint e2e: FAIL:" on stderr and exit code 1.
-- See tests/nvim/README.md for the output formats and the optional variables.

local uv = vim.uv or vim.loop

local function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then
    return default
  end
  return v
end

local BIN = env("SSOTLINT_BIN")
local FILE = env("SSOTLINT_FILE")
local OUT = env("SSOTLINT_OUT")
local TIMEOUT = tonumber(env("SSOTLINT_TIMEOUT_MS", "10000")) or 10000
local SETTLE = tonumber(env("SSOTLINT_SETTLE_MS", "300")) or 300
local ARGS = vim.split(env("SSOTLINT_ARGS", "server"), " ", { trimempty = true })

local notes = {} -- vim.notify messages and other context, dumped on failure
local state = { exited = false, exit_code = nil, exit_signal = nil, client_id = nil }

local function stderr(msg)
  io.stderr:write(msg .. "\n")
  io.stderr:flush()
end

local function nvim_version()
  local v = vim.version()
  return ("%d.%d.%d"):format(v.major, v.minor, v.patch)
end

local function context()
  local lines = {}
  table.insert(lines, ("  nvim %s, server %s %s"):format(nvim_version(), tostring(BIN), table.concat(ARGS, " ")))
  if state.client_id then
    table.insert(lines, ("  client id %d"):format(state.client_id))
  else
    table.insert(lines, "  no ssotlint client was started")
  end
  if state.exited then
    table.insert(lines, ("  server exited: code %s, signal %s"):format(tostring(state.exit_code), tostring(state.exit_signal)))
  end
  for _, note in ipairs(notes) do
    table.insert(lines, "  " .. note)
  end
  local log_path = vim.lsp.get_log_path()
  table.insert(lines, "  LSP log: " .. log_path)
  local f = io.open(log_path, "rb")
  if f then
    f:seek("set", state.log_offset or 0)
    local tail = f:read("*a") or ""
    f:close()
    local log_lines = vim.split(tail, "\n", { trimempty = true })
    for i = math.max(1, #log_lines - 30), #log_lines do
      table.insert(lines, "  | " .. log_lines[i]:sub(1, 400))
    end
  end
  return table.concat(lines, "\n")
end

local function fail(msg)
  stderr("ssotlint e2e: FAIL: " .. msg)
  stderr(context())
  vim.cmd("cquit 1")
end

local function write_file(path, text)
  local f, err = io.open(path, "wb")
  if not f then
    fail(("cannot write %s: %s"):format(path, tostring(err)))
    return
  end
  f:write(text)
  f:close()
end

local function lsp_field(d, key)
  if d[key] ~= nil then
    return d[key]
  end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp[key] or nil
end

--- ssotlint diagnostics of `buf`, sorted by position then code.
local function ssotlint_diagnostics(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if lsp_field(d, "source") == "ssotlint" then
      table.insert(out, d)
    end
  end
  table.sort(out, function(a, b)
    if a.lnum ~= b.lnum then
      return a.lnum < b.lnum
    end
    if a.col ~= b.col then
      return a.col < b.col
    end
    return tostring(lsp_field(a, "code")) < tostring(lsp_field(b, "code"))
  end)
  return out
end

local function attached(buf)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = buf, name = "ssotlint" })
    or vim.lsp.get_active_clients({ bufnr = buf, name = "ssotlint" })
  return clients[1]
end

local function main()
  if not BIN or not FILE or not OUT then
    fail("set SSOTLINT_BIN, SSOTLINT_FILE and SSOTLINT_OUT")
    return
  end
  if vim.fn.executable(BIN) ~= 1 then
    fail(("SSOTLINT_BIN %q is not executable"):format(BIN))
    return
  end
  if vim.fn.filereadable(FILE) ~= 1 then
    fail(("SSOTLINT_FILE %q is not readable"):format(FILE))
    return
  end
  local log = io.open(vim.lsp.get_log_path(), "rb")
  if log then
    state.log_offset = log:seek("end")
    log:close()
  end
  os.remove(OUT)
  os.remove(OUT .. ".diags")
  os.remove(OUT .. ".exit")

  -- Headless: capture messages, never block on a selection prompt.
  vim.notify = function(msg, level)
    table.insert(notes, ("notify[%s]: %s"):format(tostring(level), tostring(msg)))
  end
  vim.ui.select = function(items, _, on_choice)
    table.insert(notes, ("vim.ui.select offered %d items; took the first"):format(#items))
    on_choice(items[1], 1)
  end

  vim.cmd("filetype on")
  vim.o.swapfile = false -- a stale swap file would block on the ATTENTION prompt

  local cmd = { BIN }
  vim.list_extend(cmd, ARGS)
  require("ssotlint").setup({
    cmd = cmd,
    on_exit = function(code, signal)
      state.exited, state.exit_code, state.exit_signal = true, code, signal
    end,
  })

  vim.cmd("edit " .. vim.fn.fnameescape(FILE))
  local buf = vim.api.nvim_get_current_buf()
  if vim.bo[buf].filetype ~= "python" then
    fail(("%s opened with filetype %q, not python"):format(FILE, vim.bo[buf].filetype))
    return
  end

  -- 1. The client attaches.
  local started = uv.hrtime()
  local function remaining()
    return math.max(0, TIMEOUT - math.floor((uv.hrtime() - started) / 1e6))
  end
  vim.wait(remaining(), function()
    return attached(buf) ~= nil or state.exited
  end, 10)
  local client = attached(buf)
  if not client then
    if state.exited then
      fail(("the server exited (code %s) before attaching to %s"):format(tostring(state.exit_code), FILE))
    else
      fail(("no ssotlint client attached to %s within %d ms"):format(FILE, TIMEOUT))
    end
    return
  end
  state.client_id = client.id

  -- 2. Diagnostics arrive, then settle (push and pull may both report).
  local last_change = uv.hrtime()
  vim.api.nvim_create_autocmd("DiagnosticChanged", {
    buffer = buf,
    callback = function()
      last_change = uv.hrtime()
    end,
  })
  vim.wait(remaining(), function()
    return #ssotlint_diagnostics(buf) > 0 or state.exited
  end, 10)
  if #ssotlint_diagnostics(buf) == 0 then
    if state.exited then
      fail(("the server exited (code %s) before publishing diagnostics"):format(tostring(state.exit_code)))
    else
      fail(("no ssotlint diagnostic on %s within %d ms"):format(FILE, TIMEOUT))
    end
    return
  end
  vim.wait(math.min(remaining(), SETTLE * 10), function()
    return (uv.hrtime() - last_change) / 1e6 >= SETTLE
  end, 10)

  local diags = ssotlint_diagnostics(buf)
  local lines = {}
  for _, d in ipairs(diags) do
    table.insert(lines, ("%s\t%d\t%d"):format(tostring(lsp_field(d, "code")), d.lnum, d.col))
  end
  write_file(OUT .. ".diags", table.concat(lines, "\n") .. "\n")

  -- 3. The quickfix on the first diagnostic changes the buffer.
  local first = diags[1]
  vim.api.nvim_win_set_cursor(0, { first.lnum + 1, first.col })
  local tick = vim.api.nvim_buf_get_changedtick(buf)
  local no_action = false
  local notify = vim.notify
  vim.notify = function(msg, level)
    if tostring(msg):match("No code actions available") then
      no_action = true
    end
    notify(msg, level)
  end
  if vim.fn.has("nvim-0.8") == 1 then
    vim.lsp.buf.code_action({
      apply = true,
      filter = function(a)
        return a.kind == "quickfix"
      end,
    })
  else
    -- Neovim 0.7: no filter/apply; ask the server for quickfixes only (vim.ui.select,
    -- replaced above, takes the first).
    vim.lsp.buf.code_action({ only = { "quickfix" } })
  end
  vim.wait(remaining(), function()
    return vim.api.nvim_buf_get_changedtick(buf) ~= tick or no_action or state.exited
  end, 10)
  if vim.api.nvim_buf_get_changedtick(buf) == tick then
    if no_action then
      fail(("the server offered no quickfix at %d:%d"):format(first.lnum, first.col))
    elseif state.exited then
      fail(("the server exited (code %s) before the quickfix was applied"):format(tostring(state.exit_code)))
    else
      fail(("the quickfix did not change the buffer within %d ms"):format(TIMEOUT))
    end
    return
  end

  local text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
  if vim.bo[buf].eol then
    text = text .. "\n"
  end
  write_file(OUT, text)

  -- 4. Graceful shutdown: shutdown request, exit notification, process ends.
  vim.lsp.stop_client(client.id)
  vim.wait(3000, function()
    return state.exited
  end, 10)
  if state.exited then
    write_file(OUT .. ".exit", ("%s %s\n"):format(tostring(state.exit_code), tostring(state.exit_signal)))
  else
    write_file(OUT .. ".exit", "running\n")
    stderr("ssotlint e2e: note: the server was still running 3 s after shutdown/exit")
    vim.lsp.stop_client(client.id, true)
  end

  stderr(("ssotlint e2e: ok: %d diagnostic(s), quickfix applied"):format(#diags))
  vim.cmd("qa!")
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  fail("error in e2e.lua: " .. tostring(err))
end
