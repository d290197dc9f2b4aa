-- Neovim 0.11+ config for the ssotlint language server, found by
--   vim.lsp.enable("ssotlint")
-- when this plugin directory is on 'runtimepath'. Override any field with
--   vim.lsp.config("ssotlint", { cmd = { "/path/to/ssotlint", "server" }, ... })

---@type vim.lsp.Config
return {
  cmd = { "ssotlint", "server" },
  filetypes = { "python" },
  -- In priority order: the first marker found at or above the file decides the root.
  root_markers = { "ssotlint.toml", ".ssotlint.toml", "pyproject.toml", ".git" },
  -- initializationOptions: { configPath = "...", select = { ... }, ignore = { ... }, logLevel = "info" }
  init_options = { logLevel = "info" },
  -- No `settings` by default: set `settings = { ssotlint = { ... } }` (the full object) to
  -- have it sent with workspace/didChangeConfiguration right after initialize.
  on_init = function(client)
    -- Answer workspace/configuration for section "ssotlint" with init_options.
    if next(client.settings or {}) == nil then
      client.settings = { ssotlint = vim.deepcopy(client.config.init_options or {}) }
    end
  end,
}
