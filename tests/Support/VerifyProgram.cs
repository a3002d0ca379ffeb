using System.Diagnostics;

namespace Verify.TestSupport;

/// <summary>What a run of the `verify` program printed and returned.</summary>
public sealed record ProgramRun(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>
/// Runs the `verify` program as a user would, in a child process (the test host's LD_PRELOAD is
/// inherited), with a time limit so a hang fails the test instead of stalling the run.
/// </summary>
public static class VerifyProgram
{
    /// <summary>`verify` as a child process with extra environment variables, started and returned at once.</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "verify.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"The verify program was not built next to the tests ({dll}).");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        return Process.Start(start)!;
    }

    /// <summary>`verify` with extra environment variables, waited for at most <paramref name="limit"/>.</summary>
    public static ProgramRun Run(IReadOnlyDictionary<string, string>? environment, TimeSpan limit, params string[] args)
    {
        using var process = Start(environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"verify {string.Join(' ', args)} did not finish within {limit.TotalSeconds} s.");
        }
        process.WaitForExit();
        return new ProgramRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static ProgramRun Run(TimeSpan limit, params string[] args) => Run(null, limit, args);

    public static ProgramRun Run(params string[] args) => Run(TimeSpan.FromSeconds(60), args);
}
