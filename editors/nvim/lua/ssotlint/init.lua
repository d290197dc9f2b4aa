-- ssotlint client for Neovim: starts `ssotlint server` (LSP 3.17 over stdio) for Python
-- buffers and attaches it, one client per project root.
--
--   require("ssotlint").setup({
--     cmd = { "ssotlint", "server" },
--     filetypes = { "python" },
--     root_markers = { "ssotlint.toml", ".ssotlint.toml", "pyproject.toml", ".git" },
--     init_options = { configPath = nil, select = nil, ignore = nil, logLevel = "info" },
--   })
--
-- Works on Neovim 0.9 and newer (vim.lsp.start); on 0.7/0.8 it falls back to
-- vim.lsp.start_client + vim.lsp.buf_attach_client.

local M = {}

local uv = vim.uv or vim.loop

--- Default options; `setup()` merges the user's on top of a copy of these.
M.defaults = {
  --- Client name (also the key of `settings` sent with workspace/didChangeConfiguration).
  name = "ssotlint",
  --- Command that starts the server.
  cmd = { "ssotlint", "server" },
  --- Filetypes whose buffers get the client.
  filetypes = { "python" },
  --- Markers of a project root, in priority order: the first marker found in the
  --- buffer's directory or above decides the root. A nested list gives its markers
  --- equal priority (the nearest directory holding any of them wins).
  root_markers = { "ssotlint.toml", ".ssotlint.toml", "pyproject.toml", ".git" },
  --- When no marker is found, use the file's directory as root (else do not start).
  single_file_support = true,
  --- Sent as `initializationOptions`: { configPath, select, ignore, logLevel }.
  init_options = { logLevel = "info" },
  --- Sent with workspace/didChangeConfiguration right after initialize when set, and
  --- returned for workspace/configuration. When nil, no such notification is sent and
  --- workspace/configuration for section "ssotlint" is answered with `init_options`.
  settings = nil,
  --- Passed through to the client config when set.
  capabilities = nil,
  on_attach = nil,
  on_init = nil,
  on_exit = nil,
  handlers = nil,
  --- Create :SsotlintRestart, :SsotlintStop, :SsotlintInfo, :SsotlintFixAll.
  commands = true,
}

--- The options in force after `setup()`.
M.options = nil

local has_start = type(vim.lsp.start) == "function"

local function notify(msg, level)
  vim.notify("ssotlint: " .. msg, level or vim.log.levels.INFO)
end

local function deepcopy(t)
  return vim.deepcopy(t)
end

local function is_list(t)
  if vim.islist then
    return vim.islist(t)
  end
  return vim.tbl_islist(t)
end

--- Clients named `name`, optionally only those attached to `bufnr`.
function M.get_clients(bufnr, name)
  name = name or (M.options and M.options.name) or M.defaults.name
  local all
  if vim.lsp.get_clients then
    all = vim.lsp.get_clients({ bufnr = bufnr })
  else
    all = vim.lsp.get_active_clients({ bufnr = bufnr })
  end
  local out = {}
  for _, client in ipairs(all) do
    if client.name == name then
      table.insert(out, client)
    end
  end
  return out
end

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

local function parent(dir)
  local p = vim.fn.fnamemodify(dir, ":h")
  if p == dir then
    return nil
  end
  return p
end

--- Nearest directory at or above `start_dir` that holds one of `names`.
local function find_upward(start_dir, names)
  local dir = start_dir
  while dir do
    for _, name in ipairs(names) do
      if exists(dir .. "/" .. name) then
        return dir
      end
    end
    dir = parent(dir)
  end
  return nil
end

--- Project root of `path` (a file), following `markers` in priority order.
function M.find_root(path, markers)
  markers = markers or (M.options and M.options.root_markers) or M.defaults.root_markers
  local start_dir = vim.fn.fnamemodify(path, ":p:h")
  for _, marker in ipairs(markers) do
    local group = type(marker) == "table" and marker or { marker }
    local root = find_upward(start_dir, group)
    if root then
      return root
    end
  end
  return nil
end

local function buffer_path(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" then
    return nil
  end
  -- Buffers of a URI scheme other than file:// (fugitive://, oil://, …) are not files.
  if name:match("^%a[%w+.-]*://") and not name:match("^file://") then
    return nil
  end
  if name:match("^file://") then
    name = vim.uri_to_fname(name)
  end
  return vim.fn.fnamemodify(name, ":p")
end

local warned_missing = false

--- The client config for a buffer whose file is `path` in project `root`.
--- Without explicit `settings`, answer workspace/configuration with init_options.
local function fill_settings(client)
  local settings = client.settings or client.config.settings
  if settings == nil or next(settings) == nil then
    settings = { [client.name] = vim.deepcopy(client.config.init_options or {}) }
    client.config.settings = settings -- read by Neovim <= 0.10
    if client.settings ~= nil then
      client.settings = settings -- read by Neovim >= 0.11
    end
  end
end

local function client_config(opts, root)
  local user_on_init = opts.on_init
  local config = {
    name = opts.name,
    cmd = opts.cmd,
    root_dir = root,
    init_options = opts.init_options,
    settings = opts.settings,
    capabilities = opts.capabilities,
    on_attach = opts.on_attach,
    on_init = function(client, result)
      fill_settings(client)
      if type(user_on_init) == "function" then
        return user_on_init(client, result)
      end
    end,
    on_exit = opts.on_exit,
    handlers = opts.handlers,
  }
  if not has_start then
    config.workspace_folders = {
      { uri = vim.uri_from_fname(root), name = root },
    }
  end
  return config
end

-- Neovim 0.7/0.8 without vim.lsp.start: one client per root, reused by hand.
local legacy_clients = {}

local function legacy_start(config, bufnr)
  local id = legacy_clients[config.root_dir]
  if id and vim.lsp.get_client_by_id(id) and not vim.lsp.client_is_stopped(id) then
    vim.lsp.buf_attach_client(bufnr, id)
    return id
  end
  id = vim.lsp.start_client(config)
  if id then
    legacy_clients[config.root_dir] = id
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

--- Start (or reuse) the client for `bufnr` and attach it. Returns the client id or nil.
function M.attach(bufnr)
  local opts = M.options or M.setup_options(nil)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= "" then
    return nil
  end
  local path = buffer_path(bufnr)
  if not path then
    return nil
  end
  local root = M.find_root(path, opts.root_markers)
  if not root then
    if not opts.single_file_support then
      return nil
    end
    root = vim.fn.fnamemodify(path, ":h")
  end

  if type(opts.cmd) == "table" and vim.fn.executable(opts.cmd[1]) ~= 1 then
    if not warned_missing then
      warned_missing = true
      notify(
        ("server executable %q not found; install ssotlint or set `cmd` in setup()"):format(opts.cmd[1]),
        vim.log.levels.ERROR
      )
    end
    return nil
  end

  local config = client_config(opts, root)
  if has_start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  return legacy_start(config, bufnr)
end

--- Stop every ssotlint client.
function M.stop()
  for _, client in ipairs(M.get_clients()) do
    vim.lsp.stop_client(client.id)
  end
  legacy_clients = {}
end

--- Stop every ssotlint client, then start them again for the open buffers.
function M.restart()
  local opts = M.options or M.setup_options(nil)
  local ids = {}
  for _, client in ipairs(M.get_clients()) do
    table.insert(ids, client.id)
  end
  M.stop()
  vim.wait(5000, function()
    for _, id in ipairs(ids) do
      if not vim.lsp.client_is_stopped(id) then
        return false
      end
    end
    return true
  end, 20)
  M.attach_all(opts.filetypes)
end

--- Attach to every loaded buffer whose filetype is one of `filetypes`.
function M.attach_all(filetypes)
  filetypes = filetypes or (M.options and M.options.filetypes) or M.defaults.filetypes
  local wanted = {}
  for _, ft in ipairs(filetypes) do
    wanted[ft] = true
  end
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and wanted[vim.bo[bufnr].filetype] then
      M.attach(bufnr)
    end
  end
end

--- Apply `source.fixAll.ssotlint` to the current buffer.
function M.fix_all()
  vim.lsp.buf.code_action({
    context = { only = { "source.fixAll.ssotlint" }, diagnostics = {} },
    apply = true,
  })
end

local function info()
  local lines = {}
  local clients = M.get_clients()
  if #clients == 0 then
    table.insert(lines, "no client running")
  end
  for _, client in ipairs(clients) do
    local bufs = {}
    for b in pairs(client.attached_buffers or {}) do
      table.insert(bufs, tostring(b))
    end
    table.insert(
      lines,
      ("client %d, root %s, cmd %s, buffers %s, position encoding %s"):format(
        client.id,
        tostring(client.config.root_dir),
        table.concat(client.config.cmd or {}, " "),
        table.concat(bufs, ","),
        tostring(client.offset_encoding)
      )
    )
  end
  notify(table.concat(lines, "\n"))
end

--- Options after merging `user` over the defaults (does not start anything).
function M.setup_options(user)
  user = user or {}
  local opts = deepcopy(M.defaults)
  for k, v in pairs(user) do
    if type(v) == "table" and is_list(v) then
      opts[k] = deepcopy(v)
    elseif type(v) == "table" and type(opts[k]) == "table" then
      opts[k] = vim.tbl_deep_extend("force", opts[k], v)
    else
      opts[k] = v
    end
  end
  if type(opts.cmd) == "string" then
    opts.cmd = { opts.cmd }
  end
  return opts
end

--- Configure the client and start it for current and future buffers of `filetypes`.
function M.setup(user)
  local opts = M.setup_options(user)
  M.options = opts

  local group = vim.api.nvim_create_augroup("ssotlint", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = opts.filetypes,
    desc = "Start or attach the ssotlint language server",
    callback = function(args)
      M.attach(args.buf)
    end,
  })

  if opts.commands then
    vim.api.nvim_create_user_command("SsotlintRestart", function()
      M.restart()
    end, { desc = "Restart the ssotlint language server" })
    vim.api.nvim_create_user_command("SsotlintStop", function()
      M.stop()
    end, { desc = "Stop the ssotlint language server" })
    vim.api.nvim_create_user_command("SsotlintInfo", info, { desc = "Show ssotlint clients" })
    vim.api.nvim_create_user_command("SsotlintFixAll", function()
      M.fix_all()
    end, { desc = "Apply all ssotlint fixes to the buffer" })
  end

  -- Buffers opened before setup() (lazy loading) get the client too.
  M.attach_all(opts.filetypes)
  return M
end

return M
