/** Where a message to the guest went: the channels it was queued on, and which of them only log. */
export type Delivery = {
  /** Empty when the guest left no email or phone. */
  sentBy: string[];
  /** Of `sentBy`, the channels with no provider set up: logged, not sent. */
  loggedOnly: string[];
};

const channelWords = (channels: string[]) =>
  channels.map((c) => (c === 'sms' ? 'SMS' : c)).join(' and ');

/** What happened to the guest's copy, never claiming a send that was only logged. */
export function guestMessageState({ sentBy, loggedOnly }: Delivery): string {
  if (sentBy.length === 0) {
    return 'No email or phone for this guest: copy the message and send it yourself.';
  }
  if (loggedOnly.length === sentBy.length) {
    return `Messages are logged, not sent: Keyhold has no ${channelWords(loggedOnly)} service set up. Copy the message for the guest.`;
  }
  const sending = sentBy.filter((c) => !loggedOnly.includes(c));
  return `On its way to the guest by ${channelWords(sending)}.`;
}
