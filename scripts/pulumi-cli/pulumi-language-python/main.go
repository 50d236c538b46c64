// Command pulumi-language-python is a small Python language host for the
// Pulumi CLI, written for sparkpost-tracking's scripts/get-pulumi.
//
// Why it exists: Pulumi's own language host lives in the nested module
// github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3, and the
// Go module proxy reachable from our machines refuses that module at every
// version (403 "This module version is not available"). Everything it builds
// on is in github.com/pulumi/pulumi/sdk/v3, which is served, so this file
// implements the few LanguageRuntime calls that `pulumi up/preview/destroy`
// make on top of it:
//
//   - Run: starts `<python> -u pulumi-language-python-exec --monitor ... PROGRAM`
//     (the exec shim is Pulumi's own script, copied from the sdk/v3 module next
//     to this binary), with the project's virtualenv/toolchain from Pulumi.yaml
//     `runtime.options` resolved by sdk/v3's python/toolchain package.
//   - GetRequiredPackages/GetRequiredPlugins: report none. Python packages that
//     bring their own provider plugins (pulumi-aws, ...) are NOT discovered, so
//     such plugins must already be installed; dynamic providers (the
//     `pulumi-python` plugin) don't need this.
//   - RunPlugin: runs a Python-source plugin (a directory with PulumiPlugin.yaml
//     `runtime: python`): its `__main__.py`, or, for a buildable package
//     (pyproject.toml), `python -m pulumi.run.plugin <distribution>`.
//   - GetPluginInfo, Handshake, About, GetProgramDependencies, InstallDependencies
//     (pip/uv/poetry through the toolchain package).
//
// Everything else (code generation, `pulumi new` templates, packing, linking,
// type checkers) answers Unimplemented, saying which host this is.
//
// Lifetime: the host stops (and stops the Python it started) when the engine
// that started it no longer answers, or on SIGTERM/SIGINT. Without that, a host
// whose CLI was killed kept running.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

const execShim = "pulumi-language-python-exec"

// hostName says which host answered, in every error a user may see.
const hostName = "pulumi-language-python (sparkpost-tracking's build)"

var (
	// How often the engine is asked whether it is still there, and how long
	// in-flight calls get to finish once it is gone.
	engineCheckInterval = 2 * time.Second
	stopGrace           = 5 * time.Second
)

func main() {
	// Flags the CLI passes (--logtostderr, -v=N, --tracing ENDPOINT), flags older
	// CLIs passed for Python-source plugins and policy packs (-virtualenv, -root,
	// -toolchain, -typechecker: defaults for Pulumi.yaml's runtime options), and
	// ours. Anything else is refused with a message that names this host.
	flags := flag.NewFlagSet("pulumi-language-python", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	tracing := flags.String("tracing", "", "Zipkin-compatible tracing endpoint")
	flags.String("v", "", "log verbosity")
	flags.Bool("logtostderr", false, "log to stderr")
	flags.Bool("logflow", false, "flow logging settings to child processes")
	useExecutor := flags.String("use-executor", "", "path of pulumi-language-python-exec to use")
	defaults := map[string]*string{}
	for _, name := range []string{"virtualenv", "root", "toolchain", "typechecker"} {
		defaults[name] = flags.String(name, "", "default of the runtime option "+name)
	}
	if err := flags.Parse(os.Args[1:]); err != nil {
		fatal(fmt.Errorf("%v; this host accepts -tracing, -v, -logtostderr, -logflow, -use-executor, "+
			"-virtualenv, -root, -toolchain, -typechecker and the engine address", err))
	}

	engineAddress := ""
	if args := flags.Args(); len(args) > 0 {
		engineAddress = args[len(args)-1]
	}

	shim := *useExecutor
	if shim == "" {
		self, err := os.Executable()
		if err != nil {
			fatal(fmt.Errorf("could not determine current executable: %w", err))
		}
		if resolved, err := filepath.EvalSymlinks(self); err == nil {
			self = resolved
		}
		shim = filepath.Join(filepath.Dir(self), execShim)
	}
	if _, err := os.Stat(shim); err != nil {
		fatal(fmt.Errorf("missing executor %s: %w", shim, err))
	}

	cwd, err := os.Getwd()
	if err != nil {
		fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	host := &pythonHost{shim: shim, tracing: *tracing, cwd: cwd, ctx: ctx, stop: stop, defaults: defaults}
	stopServing := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Cancel: stopServing,
	})
	if err != nil {
		fatal(fmt.Errorf("could not start language host RPC server: %w", err))
	}
	host.watchEngine(engineAddress)
	// The spawner reads the port from our first line of stdout.
	fmt.Printf("%d\n", handle.Port)

	go func() {
		<-ctx.Done()
		// Children started for this host are killed with ctx; give in-flight
		// calls a moment to answer, then go regardless.
		close(stopServing)
		time.Sleep(stopGrace)
		os.Exit(0)
	}()
	if err := <-handle.Done; err != nil {
		fatal(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", hostName, err)
	os.Exit(1)
}

type pythonHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	shim     string
	tracing  string
	cwd      string
	defaults map[string]*string // runtime options given as flags

	// ctx ends when the host must stop (signal, or the engine is gone); stop ends it.
	ctx  context.Context
	stop context.CancelFunc

	mu            sync.Mutex
	engineAddress string
	watching      bool
}

// watchEngine stops the host once the engine at address stops answering.
func (h *pythonHost) watchEngine(address string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if address != "" {
		h.engineAddress = address
	}
	if h.watching || h.engineAddress == "" {
		return
	}
	if err := rpcutil.Healthcheck(h.ctx, h.engineAddress, engineCheckInterval, h.stop); err != nil {
		fatal(fmt.Errorf("cannot watch the engine at %s: %w", h.engineAddress, err))
	}
	h.watching = true
}

func (h *pythonHost) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

// commandContext is ctx, also ended when the host stops: a Python child never outlives its host.
func (h *pythonHost) commandContext(ctx context.Context) (context.Context, context.CancelFunc) {
	joined, cancel := context.WithCancel(ctx)
	unlink := context.AfterFunc(h.ctx, cancel)
	return joined, func() { unlink(); cancel() }
}

func parseOptions(root, programDir string, raw *structpb.Struct, defaults map[string]*string) (
	toolchain.PythonOptions, error,
) {
	opts := toolchain.PythonOptions{Root: root, ProgramDir: programDir, Toolchain: toolchain.Auto}
	m := map[string]any{}
	for name, value := range defaults {
		if value != nil && *value != "" {
			m[name] = *value
		}
	}
	if raw != nil {
		for k, v := range raw.AsMap() {
			m[k] = v
		}
	}
	if v, ok := m["virtualenv"]; ok {
		s, ok := v.(string)
		if !ok {
			return opts, errors.New("virtualenv option must be a string")
		}
		opts.Virtualenv = s
	}
	if v, ok := m["toolchain"]; ok {
		s, _ := v.(string)
		switch s {
		case "pip":
			opts.Toolchain = toolchain.Pip
		case "poetry":
			opts.Toolchain = toolchain.Poetry
		case "uv":
			opts.Toolchain = toolchain.Uv
		case "":
		default:
			return opts, fmt.Errorf("unsupported toolchain option: %q", s)
		}
	}
	// "typechecker" (mypy/pyright) is accepted but not run by this host.
	return opts, nil
}

func (h *pythonHost) toolchainFor(info *pulumirpc.ProgramInfo) (toolchain.Toolchain, error) {
	root, programDir := h.cwd, h.cwd
	var raw *structpb.Struct
	if info != nil {
		if info.GetRootDirectory() != "" {
			root = info.GetRootDirectory()
		}
		if info.GetProgramDirectory() != "" {
			programDir = info.GetProgramDirectory()
		}
		raw = info.GetOptions()
	}
	opts, err := parseOptions(root, programDir, raw, h.defaults)
	if err != nil {
		return nil, err
	}
	return toolchain.ResolveToolchain(opts)
}

func (h *pythonHost) Handshake(ctx context.Context,
	req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.watchEngine(req.GetEngineAddress())
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *pythonHost) GetPluginInfo(ctx context.Context, _ *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *pythonHost) GetRequiredPlugins(ctx context.Context,
	req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *pythonHost) GetRequiredPackages(ctx context.Context,
	req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *pythonHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	tc, err := h.toolchainFor(req.GetInfo())
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return nil, err
	}

	args := []string{"-u", h.shim}
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engine())
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	add("dry_run", strconv.FormatBool(req.GetDryRun()))
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", h.tracing)
	add("organization", req.GetOrganization())
	if info := req.GetInfo(); info != nil {
		add("root_directory", info.GetRootDirectory())
	}

	program := "."
	if info := req.GetInfo(); info != nil && info.GetEntryPoint() != "" {
		program = info.GetEntryPoint()
	} else if req.GetProgram() != "" {
		program = req.GetProgram()
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	runCtx, done := h.commandContext(ctx)
	defer done()
	cmd, err := tc.Command(runCtx, args...)
	if err != nil {
		return nil, err
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	if cfg := req.GetConfig(); cfg != nil {
		b, err := json.Marshal(cfg)
		if err != nil {
			return nil, fmt.Errorf("failed to serialize configuration: %w", err)
		}
		cmd.Env = append(cmd.Env, "PULUMI_CONFIG="+string(b))
	}
	if keys := req.GetConfigSecretKeys(); len(keys) > 0 {
		b, err := json.Marshal(keys)
		if err != nil {
			return nil, fmt.Errorf("failed to serialize secret config keys: %w", err)
		}
		cmd.Env = append(cmd.Env, "PULUMI_CONFIG_SECRET_KEYS="+string(b))
	}
	if dir := req.GetPwd(); dir != "" {
		cmd.Dir = dir
	} else if info := req.GetInfo(); info != nil && info.GetProgramDirectory() != "" {
		cmd.Dir = info.GetProgramDirectory()
	}
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr

	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok {
				// 32: the program already showed the user an actionable message.
				if ws.ExitStatus() == 32 {
					return &pulumirpc.RunResponse{Bail: true}, nil
				}
				return &pulumirpc.RunResponse{
					Error: fmt.Sprintf("Program exited with non-zero exit code: %d", ws.ExitStatus()),
				}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited unexpectedly: %v", exitErr)}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

func (h *pythonHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	tc, err := h.toolchainFor(req.GetInfo())
	if err != nil {
		return nil, err
	}
	info, err := tc.About(ctx)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: info.PythonExecutable,
		Version:    info.PythonVersion.String(),
	}, nil
}

func (h *pythonHost) GetProgramDependencies(ctx context.Context,
	req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	tc, err := h.toolchainFor(req.GetInfo())
	if err != nil {
		return nil, err
	}
	deps, err := tc.ListPackages(ctx, req.GetTransitiveDependencies())
	if err != nil {
		return nil, err
	}
	out := make([]*pulumirpc.DependencyInfo, 0, len(deps))
	for _, d := range deps {
		out = append(out, &pulumirpc.DependencyInfo{Name: d.Name, Version: d.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: out}, nil
}

// streamWriter forwards install output to the CLI over the response stream.
type streamWriter struct {
	server pulumirpc.LanguageRuntime_InstallDependenciesServer
	stderr bool
}

func (w *streamWriter) Write(p []byte) (int, error) {
	resp := &pulumirpc.InstallDependenciesResponse{}
	if w.stderr {
		resp.Stderr = p
	} else {
		resp.Stdout = p
	}
	if err := w.server.Send(resp); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (h *pythonHost) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	tc, err := h.toolchainFor(req.GetInfo())
	if err != nil {
		return err
	}
	var stdout, stderr io.Writer = &streamWriter{server: server}, &streamWriter{server: server, stderr: true}
	dir := h.cwd
	if info := req.GetInfo(); info != nil && info.GetProgramDirectory() != "" {
		dir = info.GetProgramDirectory()
	}
	if venv := h.existingVirtualenv(req.GetInfo()); venv != "" {
		// The pip toolchain would run `python -m venv` over it with the first python3 on PATH, which rewrites
		// its pyvenv.cfg for that Python and breaks a venv made by another one. Use it as it is: only the
		// requirements, if the program lists any.
		if _, statErr := os.Stat(filepath.Join(dir, "requirements.txt")); statErr != nil {
			return nil
		}
		cmd := toolchain.VirtualEnvCommand(venv, "python", "-m", "pip", "install", "-r", "requirements.txt")
		cmd.Dir = dir
		cmd.Env = toolchain.ActivateVirtualEnv(os.Environ(), venv)
		cmd.Stdout, cmd.Stderr = stdout, stderr
		return cmd.Run()
	}
	return tc.InstallDependencies(server.Context(), dir, req.GetUseLanguageVersionTools(),
		true /*showOutput*/, stdout, stderr)
}

// existingVirtualenv is the pip toolchain's virtualenv when it already exists, else "".
func (h *pythonHost) existingVirtualenv(info *pulumirpc.ProgramInfo) string {
	root := h.cwd
	var raw *structpb.Struct
	if info != nil {
		if info.GetRootDirectory() != "" {
			root = info.GetRootDirectory()
		}
		raw = info.GetOptions()
	}
	opts, err := parseOptions(root, root, raw, h.defaults)
	if err != nil || opts.Virtualenv == "" || opts.Toolchain == toolchain.Poetry || opts.Toolchain == toolchain.Uv {
		return ""
	}
	venv := opts.Virtualenv
	if !filepath.IsAbs(venv) {
		venv = filepath.Join(root, venv)
	}
	if !toolchain.IsVirtualEnv(venv) {
		return ""
	}
	return venv
}

// RunPlugin runs a Python-source plugin: a directory whose PulumiPlugin.yaml says
// `runtime: python`. A directory with `__main__.py` runs that file; a buildable
// package (pyproject.toml with [project] and [build-system]) runs
// `python -m pulumi.run.plugin <distribution name>`, which hosts the components
// its module exports. Plugins run with the Python of their runtime options
// (virtualenv, toolchain), never the ambient one unless no virtualenv is set.
func (h *pythonHost) RunPlugin(req *pulumirpc.RunPluginRequest,
	server pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	info := req.GetInfo()
	if info == nil || info.GetProgramDirectory() == "" {
		return fmt.Errorf("%s: RunPlugin needs the plugin's directory (ProgramInfo)", hostName)
	}
	dir := info.GetProgramDirectory()
	root := info.GetRootDirectory()
	if root == "" {
		root = dir
	}
	opts, err := parseOptions(root, dir, info.GetOptions(), h.defaults)
	if err != nil {
		return err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return err
	}
	runCtx, done := h.commandContext(server.Context())
	defer done()

	var cmd *exec.Cmd
	if _, statErr := os.Stat(filepath.Join(dir, "__main__.py")); statErr == nil {
		cmd, err = tc.Command(runCtx, append([]string{"-u", dir}, req.GetArgs()...)...)
	} else {
		buildable, buildErr := toolchain.IsBuildablePackage(dir)
		if buildErr != nil {
			return fmt.Errorf("%s: reading %s/pyproject.toml: %w", hostName, dir, buildErr)
		}
		if !buildable {
			return fmt.Errorf("%s: the Python plugin in %s has neither a __main__.py nor a buildable "+
				"pyproject.toml ([project] name and [build-system]); add one of them", hostName, dir)
		}
		pyproject, loadErr := toolchain.LoadPyproject(dir)
		if loadErr != nil {
			return fmt.Errorf("%s: %w", hostName, loadErr)
		}
		cmd, err = tc.ModuleCommand(runCtx, "pulumi.run.plugin",
			append([]string{pyproject.Project.Name}, req.GetArgs()...)...)
	}
	if err != nil {
		return err
	}

	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()
	cmd.Dir = req.GetPwd()
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, req.GetEnv()...)
	cmd.Stdout, cmd.Stderr = stdout, stderr

	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok {
				return server.Send(&pulumirpc.RunPluginResponse{
					Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(ws.ExitStatus())}, //nolint:gosec
				})
			}
		}
		return fmt.Errorf("%s: could not run the Python plugin in %s (%s): %w", hostName, dir,
			strings.Join(cmd.Args, " "), err)
	}
	return closer.Close()
}
