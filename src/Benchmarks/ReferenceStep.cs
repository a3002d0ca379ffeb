using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

using Verify.Model;
namespace Verify.Benchmarks;

/// <summary>What the authors' step measured (or why it could not be): steps per second, and where the figure comes from.</summary>
public sealed record ReferenceFigure(double StepsPerSecond, bool Measured, string Source, double CpuStepsPerSecond = double.NaN);

/// <summary>
/// Times the authors' two-layer SGD step on PyTorch, run through Python, so the suite's step can be
/// compared with it in the same run on the same machine. The procedure is the one of the paper's
/// code (recon_two_layer.py), read and rewritten here: float64, d = 100, m = 10, 50 outputs, batch
/// 16; each step draws a batch, appends the constant-1 column with cat, runs the teacher and the
/// student forward, zeroes the negative pre-activations by a mask, back-propagates by hand and
/// updates both layers, on one intra-op thread (as the suite's step runs).
/// </summary>
/// <remarks>
/// The interpreter is the first of <c>$VERIFY_PYTHON</c>, <c>python3</c> on the PATH and
/// <c>/usr/bin/python3</c> that imports torch (a pyenv or virtualenv <c>python3</c> may not see
/// the system's <c>python3-torch</c>). When none does, the figure is the one last measured on the
/// development machine, cited with <see cref="ReferenceFigure.Measured"/> false.
/// </remarks>
public static class ReferenceStep
{
    /// <summary>The figure last measured on the 2-core development machine (docs/dev/performance.md), cited when PyTorch is not installed.</summary>
    public const double CitedStepsPerSecond = 6_000;

    /// <summary>Measures <paramref name="steps"/> steps of the authors' procedure at student width 10 x <paramref name="multi"/>; cites the last figure when no Python with torch is found.</summary>
    public static ReferenceFigure Measure(int multi = 5, int steps = 20_000)
    {
        var script = Path.Combine(Path.GetTempPath(), $"verify-reference-step-{Environment.ProcessId}.py");
        File.WriteAllText(script, Script);
        var tried = new List<string>();
        try
        {
            foreach (var python in Candidates())
            {
                var (ok, output) = Run(python, $"\"{script}\" {multi} {steps}");
                if (ok && TryParse(output, out var rate, out var cpuRate, out var torchVersion))
                    return new ReferenceFigure(rate, true, $"measured: {python}, torch {torchVersion}, 1 thread, {steps:N0} steps", cpuRate);
                tried.Add(python);
            }
        }
        finally
        {
            File.Delete(script);
        }
        return new ReferenceFigure(CitedStepsPerSecond, false,
            $"cited from docs/dev/performance.md, not measured here: no Python with torch found (tried {string.Join(", ", tried)}; on Debian: apt-get install python3-torch)");
    }

    static IEnumerable<string> Candidates()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("VERIFY_PYTHON");
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) yield return fromEnvironment;
        yield return "python3";
        if (File.Exists("/usr/bin/python3")) yield return "/usr/bin/python3";
    }

    static (bool Ok, string Output) Run(string file, string arguments)
    {
        try
        {
            var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.Environment["OMP_NUM_THREADS"] = "1";
            using var process = Process.Start(info);
            if (process is null) return (false, "");
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                return (false, "");
            }
            _ = error.Result;
            return (process.ExitCode == 0, output);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (false, "");
        }
    }

    static bool TryParse(string output, out double rate, out double cpuRate, out string torchVersion)
    {
        (rate, cpuRate, torchVersion) = (0, double.NaN, "");
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (line is null) return false;
        try
        {
            using var json = JsonDocument.Parse(line);
            rate = json.RootElement.GetProperty("steps_per_second").GetDouble();
            cpuRate = json.RootElement.GetProperty("cpu_steps_per_second").GetDouble();
            torchVersion = json.RootElement.GetProperty("torch").GetString() ?? "";
            return double.IsFinite(rate) && rate > 0;
        }
        catch (JsonException) { return false; }
        catch (KeyNotFoundException) { return false; }
    }

    /// <summary>The authors' step, as a Python script: argv multi, steps; prints one JSON line.</summary>
    const string Script = """
        import json, sys, time
        import torch

        multi, steps = int(sys.argv[1]), int(sys.argv[2])
        torch.set_num_threads(1)
        d, m, outputs, batch, lr = 100, 10, 50, 16, 0.01
        n = m * multi
        f64 = torch.float64
        gen = torch.Generator().manual_seed(1)
        teacher = [torch.randn(d + 1, m, dtype=f64, generator=gen), torch.randn(m + 1, outputs, dtype=f64, generator=gen)]
        student = [torch.randn(d + 1, n, dtype=f64, generator=gen) * 0.005, torch.randn(n + 1, outputs, dtype=f64, generator=gen) * 0.005]
        data = torch.randn(10000, d, dtype=f64, generator=gen) * 1.5

        def forward(x, w1, w2):
            ones = torch.ones(x.size(0), 1, dtype=f64)
            x1 = torch.cat([x, ones], 1)
            h = torch.cat([x1 @ w1, ones], 1)
            closed = h < 0
            h[closed] = 0
            return x1, h, closed, h @ w2

        def step():
            x = data[torch.randint(0, data.size(0), (batch,))]
            _, _, _, target = forward(x, *teacher)
            x1, h, closed, out = forward(x, *student)
            g2 = target - out
            dw2 = h.t() @ g2
            g1 = g2 @ student[1].t()
            g1[closed] = 0
            dw1 = x1.t() @ g1[:, :-1]
            student[0] += lr * dw1 / batch
            student[1] += lr * dw2 / batch

        for _ in range(max(100, steps // 10)):
            step()
        start, cpu_start = time.perf_counter(), time.process_time()
        for _ in range(steps):
            step()
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
        print(json.dumps(dict(multi=multi, n=n, steps=steps, seconds=seconds, steps_per_second=steps / seconds,
                              cpu_steps_per_second=steps / cpu_seconds,
                              torch=torch.__version__, threads=torch.get_num_threads())))
        """;
}
