using System.Globalization;
using Verify.Model.Analysis;

namespace Verify.Model.Claims;

/// <summary>The typed numbers behind a verdict; each claim has its own record of them.</summary>
public abstract record ClaimNumbers;

/// <summary>Numbers of a claim that was not judged (skipped, not run).</summary>
public sealed record NoNumbers : ClaimNumbers
{
    public static NoNumbers Instance { get; } = new();
}
