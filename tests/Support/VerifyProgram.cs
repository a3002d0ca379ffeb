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
    public static ProgramRun Run(TimeSpan limit, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "verify.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"The verify program was not built next to the tests ({dll}).");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
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

    public static ProgramRun Run(params string[] args) => Run(TimeSpan.FromSeconds(60), args);
}
