/** Tiledesk message status codes (chat21). */
export const MessageStatus = {
  FAILED: -100,
  SENDING: 0,
  SENT: 100,
  DELIVERED: 150,
  RECEIVED: 200,
  RETURN_RECEIPT: 250,
  /** Read by the recipient. */
  SEEN: 300,
} as const;

export interface Message {
  _id: string;
  id: string;
  id_project: string;
  request_id: string;
  /** User id of the sender: always the authenticated principal. */
  sender: string;
  senderFullname: string;
  /** The request id, as in Tiledesk. */
  recipient: string;
  text: string;
  type: string;
  status: number;
  /** Role of the sender in the project at the time of sending. */
  sender_role: string;
  attributes: Record<string, unknown>;
  metadata: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export const messageTypes = ['text', 'image', 'file', 'info'] as const;
