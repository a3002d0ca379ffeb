namespace Verify.Model.Runtime;

/// <summary>A flag raised for the scope of a <c>using</c>, on this thread and the work it starts (an <see cref="AsyncLocal{T}"/>): the small-matrix kernel's <c>Disabled()</c> and <c>Forced()</c> scopes.</summary>
internal sealed class ScopedSwitch
{
    readonly AsyncLocal<bool> raised = new();

    public bool IsRaised => raised.Value;

    /// <summary>Raises the flag until the returned scope is disposed, then puts back what it was.</summary>
    public IDisposable Raise()
    {
        var before = raised.Value;
        raised.Value = true;
        return new Restore(this, before);
    }

    sealed class Restore(ScopedSwitch owner, bool before) : IDisposable
    {
        public void Dispose() => owner.raised.Value = before;
    }
}
