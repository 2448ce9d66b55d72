/** The parts of the Bot API's Update and Message this channel reads (core.telegram.org/bots/api). */
export interface TgUser {
  id: number;
  is_bot?: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TgFileRef {
  file_id: string;
  file_unique_id?: string;
  file_size?: number;
}

export interface TgPhotoSize extends TgFileRef {
  width: number;
  height: number;
}

export interface TgMessage {
  message_id: number;
  from?: TgUser;
  chat: { id: number; type: string; title?: string; first_name?: string; last_name?: string; username?: string };
  date: number;
  edit_date?: number;
  text?: string;
  caption?: string;
  photo?: TgPhotoSize[];
  document?: TgFileRef & { file_name?: string; mime_type?: string };
  voice?: TgFileRef & { duration?: number; mime_type?: string };
  audio?: TgFileRef & { file_name?: string; mime_type?: string };
  video?: TgFileRef & { file_name?: string; mime_type?: string };
  sticker?: TgFileRef & { emoji?: string; is_animated?: boolean; is_video?: boolean };
  location?: TgLocation;
  venue?: { location: TgLocation; title: string; address: string };
  contact?: { phone_number: string; first_name: string; last_name?: string; user_id?: number };
  poll?: { question: string; options: Array<{ text: string }> };
}

export interface TgLocation {
  latitude: number;
  longitude: number;
}

export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
}

export interface TgFile {
  file_id: string;
  file_size?: number;
  file_path?: string;
}
